// Packs one section's pieces into chunks: greedily up to the budget, each chunk after the first
// starting with the previous chunk's last sentences or lines. Pieces were counted one by one, and
// tokenizers are not exactly additive, so a chunk is counted again as a whole unless an upper
// bound already fits: its pieces' counts plus one token per byte of whitespace between them.
// That holds for the tokenizers embedding models use, which cut words at whitespace and count a
// word alone as they count it in context (WordPiece, SentencePiece), or give a byte of whitespace
// at most a token of its own (byte-level BPE). Pieces that touch, or that have other
// text between them, are always counted as a whole. The bound spares the count of most chunks (a
// real tokenizer is most of the chunker's time) and never moves a boundary: a chunk the bound
// passes is one the real count would pass.
import type { ChunkOptions, NoteChunk } from './embedding-types';
import { joinSlack, piecesOf, segmentsOf, tailWithin } from './chunk-split';

/** A piece that is never cut further unless its real count turns out too high. */
export interface Unit {
  start: number;
  end: number;
  tokens: number;
  /** 0 when `tokens` is the piece's own count; see chunk-split.ts `Span`. */
  slack: number;
  code: boolean;
}

export interface Section {
  prefix: string;
  /** Tokens left for the text once the prefix is counted. */
  budget: number;
  headingPath: string[];
  units: Unit[];
}

type Draft = Omit<NoteChunk, 'seq'>;

/** What an overlap adds to a chunk: its range, its tokens, and the slack inside it. */
interface Overlap {
  start: number;
  end: number;
  tokens: number;
  slack: number;
}

/** Trailing sentences/lines of the previous chunk's own units, within `maxTokens`. */
function overlapOf(
  full: string,
  units: Unit[],
  from: number,
  to: number,
  maxTokens: number,
  count: ChunkOptions['countTokens'],
): Overlap | null {
  if (maxTokens <= 0) return null;
  let start = -1;
  let end = -1;
  let tokens = 0;
  let slack = 0;
  const taken = () => (start < 0 ? null : { start, end, tokens, slack });
  for (let u = to; u >= from; u--) {
    const segments = segmentsOf(full, units[u]!.start, units[u]!.end, units[u]!.code);
    for (let s = segments.length - 1; s >= 0; s--) {
      // Never repeat the whole previous chunk: the overlap starts after its first segment.
      if (u === from && s === 0) return taken();
      const segment = segments[s]!;
      const t = count(full.slice(segment.start, segment.end));
      if (tokens + t > maxTokens) {
        if (start >= 0) return taken();
        const tail = tailWithin(full, segment, maxTokens, count);
        return tail.tokens > 0 ? { ...tail, end: segment.end, slack: 0 } : null;
      }
      if (start >= 0) slack += joinSlack(full, segment.end, start);
      else end = segment.end;
      start = segment.start;
      tokens += t;
    }
  }
  return taken();
}

export function packSection(full: string, section: Section, options: ChunkOptions): Draft[] {
  const { countTokens: count, maxTokens, overlapTokens } = options;
  const { prefix, budget, headingPath, units } = section;
  const drafts: Draft[] = [];
  let previous: { from: number; to: number } | null = null;
  for (let i = 0; i < units.length;) {
    let overlap =
      previous && overlapTokens > 0
        ? overlapOf(
            full,
            units,
            previous.from,
            previous.to,
            Math.min(overlapTokens, budget - units[i]!.tokens),
            count,
          )
        : null;
    let tokens = (overlap?.tokens ?? 0) + units[i]!.tokens;
    let j = i + 1;
    while (j < units.length && tokens + units[j]!.tokens <= budget) tokens += units[j++]!.tokens;
    // The counts were summed per piece: bound the whole, count it when the bound does not fit,
    // and give back what does not.
    for (;;) {
      const start = overlap?.start ?? units[i]!.start;
      const text = full.slice(start, units[j - 1]!.end);
      const embedText = prefix + text;
      const bound = maxTokens - budget + tokens + slackOf(full, prefix, overlap, units, i, j);
      const tokenCount = bound <= maxTokens ? bound : count(embedText);
      if (
        tokenCount <= maxTokens ||
        (j - i === 1 && !overlap && !splitUnit(full, units, i, count))
      ) {
        drafts.push({ start, end: start + text.length, headingPath, text, embedText, tokenCount });
        break;
      }
      if (j - i > 1) {
        // Give back enough units to cover the excess, scaled by how far the sum was off, so a
        // chunk of many small units is not recounted once per unit.
        const scale = tokenCount / Math.max(1, maxTokens - budget + tokens);
        do tokens -= units[--j]!.tokens;
        while (j - i > 1 && (maxTokens - budget + tokens) * scale > maxTokens);
      } else if (overlap) {
        tokens -= overlap.tokens;
        overlap = null;
      }
    }
    previous = { from: i, to: j - 1 };
    i = j;
  }
  return drafts;
}

/** The bound's slack for a chunk of `overlap` and `units[i..j)` after `prefix`. */
function slackOf(
  full: string,
  prefix: string,
  overlap: Overlap | null,
  units: Unit[],
  i: number,
  j: number,
): number {
  // The prefix was counted with the blank line that ends it; the join may still cost its characters.
  let slack = prefix.length - prefix.trimEnd().length;
  if (overlap) slack += overlap.slack + joinSlack(full, overlap.end, units[i]!.start);
  for (let u = i; u < j && slack < Infinity; u++)
    slack += units[u]!.slack + (u > i ? joinSlack(full, units[u - 1]!.end, units[u]!.start) : 0);
  return slack;
}

/** Halves a unit that is too long once its real count is known; false when it is one character. */
function splitUnit(
  full: string,
  units: Unit[],
  i: number,
  count: ChunkOptions['countTokens'],
): boolean {
  const unit = units[i]!;
  const pieces = piecesOf(full, unit, unit.code, Math.max(1, Math.floor(unit.tokens / 2)), count);
  if (pieces.length < 2) return false;
  units.splice(i, 1, ...pieces.map((p) => ({ ...p, code: unit.code })));
  return true;
}
