// Cuts a Markdown note into chunks for embedding: by headings into sections, by blocks inside a
// section, packed greedily up to the model's token budget, with overlap between neighbours of one
// section.
//
// What gets embedded is the context line, a blank line, then the chunk's text:
//   `tar > Examples\n\n- List files:\n\n`ls -l``
// The context is the note's title (`options.title`, else the level-1 heading that opens the body)
// and the heading path, joined by ` > `; it is left out when it would take over half the budget.
// A note with headings but no other text (just a title, say) gets one chunk of its heading lines,
// so it can still be found by meaning.
//
// countTokens may be a real tokenizer, so it is called about once per block, sentence of a long
// block and overlap sentence; a finished chunk is counted whole only when the upper bound its
// pieces give does not fit the budget (chunk-pack.ts).
import type { ChunkOptions, NoteChunk } from './embedding-types';
import { splitFrontmatter } from '../vault/frontmatter';
import { scanBlocks, type Block } from './markdown-blocks';
import { piecesOf } from './chunk-split';
import { packSection, type Section, type Unit } from './chunk-pack';

function checkOptions({ maxTokens, overlapTokens }: ChunkOptions): void {
  if (!Number.isInteger(maxTokens) || maxTokens < 1) {
    throw new RangeError(`Chunk size must be a whole number of tokens ≥ 1 (got ${maxTokens}).`);
  }
  if (!Number.isInteger(overlapTokens) || overlapTokens < 0 || overlapTokens >= maxTokens) {
    throw new RangeError(
      `Chunk overlap must be 0 to ${maxTokens - 1} tokens (got ${overlapTokens}).`,
    );
  }
}

/** `Title > Heading > Sub`, without a heading that repeats the title right above it. */
function contextLine(parts: string[]): string {
  const key = (part: string) => part.normalize('NFKC').trim().toLowerCase();
  return parts
    .filter((part, i) => part.trim() !== '' && (i === 0 || key(part) !== key(parts[i - 1]!)))
    .join(' > ');
}

function sectionsOf(full: string, blocks: Block[], context: string[], options: ChunkOptions) {
  const sections: Section[] = [];
  const { countTokens: count, maxTokens } = options;
  for (let i = 0; i < blocks.length;) {
    let j = i;
    while (j < blocks.length && blocks[j]!.section === blocks[i]!.section) j++;
    const headingPath = blocks[i]!.headingPath;
    const line = contextLine([...context, ...headingPath]);
    let prefix = line ? `${line}\n\n` : '';
    let prefixTokens = prefix ? count(prefix) : 0;
    if (prefixTokens > maxTokens / 2) [prefix, prefixTokens] = ['', 0];
    const budget = maxTokens - prefixTokens;
    const units: Unit[] = [];
    for (const block of blocks.slice(i, j)) {
      const tokens = count(full.slice(block.start, block.end));
      if (tokens <= budget)
        units.push({ start: block.start, end: block.end, tokens, slack: 0, code: block.code });
      else {
        // Pieces leave room for the overlap that will precede them.
        const pieceBudget = Math.max(1, budget - options.overlapTokens);
        for (const span of piecesOf(full, block, block.code, pieceBudget, count)) {
          units.push({ ...span, code: block.code });
        }
      }
    }
    sections.push({ prefix, budget, headingPath, units });
    i = j;
  }
  return sections;
}

export function chunkNote(text: string, options: ChunkOptions): NoteChunk[] {
  checkOptions(options);
  const { body } = splitFrontmatter(text);
  if (body.trim() === '') return [];
  const note = scanBlocks(text, text.length - body.length, options.title);
  let blocks = note.blocks;
  let context = [options.title ?? note.title?.text ?? ''];
  if (blocks.length === 0) {
    // Only headings: their lines are the text, and there is nothing left to put in context.
    blocks = note.headings.map(({ start, end }) => ({
      start,
      end,
      code: false,
      headingPath: [],
      section: 0,
    }));
    context = [];
  }
  const chunks = sectionsOf(text, blocks, context, options).flatMap((s) =>
    packSection(text, s, options),
  );
  return chunks.map((chunk, seq) => ({ seq, ...chunk }));
}
