// Where each file of an attachment is cut for retrieval: Markdown by headings and blocks (the
// notes' chunker), everything else by whole lines, PDFs page by page so every piece names its page.
// Sizes are counted with the UTF-8 upper bound: pieces are for finding, and the prompt counts
// every passage again with the model's own counter before it is sent.
import { utf8UpperBound } from '../assistant/token-count';
import { chunkNote } from '../search/chunker';
import type { ReadDoc } from './attachment-types';
import { lineChunks } from './line-chunks';

/** About 130 tokens of English in most tokenizers: several fit even a small model’s prompt. */
export const maxChunkTokens = 512;

export interface DocChunk {
  start: number;
  end: number;
  /** PDF page the piece is on. */
  page?: number;
  headingPath: string[];
}

const count = (text: string): number => utf8UpperBound.count(text);

export function chunkDoc(doc: ReadDoc): DocChunk[] {
  return [...chunkDocParts(doc)].flat();
}

/**
 * The same pieces, one page of a PDF at a time (other files in one part), so a caller on the
 * page's thread can give it a turn between pages: a 200-page PDF cut in one call held it 62–82 ms.
 */
export function* chunkDocParts(doc: ReadDoc): Generator<DocChunk[]> {
  if (doc.pages) {
    for (const page of doc.pages)
      yield lineChunks(doc.text, maxChunkTokens, count, page.start, page.end).map((span) => ({
        ...span,
        page: page.number,
        headingPath: [],
      }));
    return;
  }
  if (doc.format === 'markdown') {
    const chunks = chunkNote(doc.text, {
      maxTokens: maxChunkTokens,
      overlapTokens: 0,
      countTokens: count,
    });
    // Frontmatter alone, say: the chunker finds no body, but the text is still the user's.
    if (chunks.length > 0) {
      yield chunks.map(({ start, end, headingPath }) => ({ start, end, headingPath }));
      return;
    }
  }
  yield lineChunks(doc.text, maxChunkTokens, count).map((span) => ({ ...span, headingPath: [] }));
}
