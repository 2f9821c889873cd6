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
  if (doc.pages)
    return doc.pages.flatMap((page) =>
      lineChunks(doc.text, maxChunkTokens, count, page.start, page.end).map((span) => ({
        ...span,
        page: page.number,
        headingPath: [],
      })),
    );
  if (doc.format === 'markdown') {
    const chunks = chunkNote(doc.text, {
      maxTokens: maxChunkTokens,
      overlapTokens: 0,
      countTokens: count,
    });
    // Frontmatter alone, say: the chunker finds no body, but the text is still the user's.
    if (chunks.length > 0)
      return chunks.map(({ start, end, headingPath }) => ({ start, end, headingPath }));
  }
  return lineChunks(doc.text, maxChunkTokens, count).map((span) => ({ ...span, headingPath: [] }));
}
