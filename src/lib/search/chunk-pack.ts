// Packs one section's pieces into chunks: greedily up to the budget, each chunk after the first
// starting with the previous chunk's last sentences or lines, and every chunk's real token count
// checked (pieces were counted one by one, and tokenizers are not exactly additive).
import type { ChunkOptions, NoteChunk } from './embedding-types';
import { piecesOf, segmentsOf, tailWithin } from './chunk-split';

/** A piece that is never cut further unless its real count turns out too high. */
export interface Unit {
  start: number;
  end: number;
  tokens: number;
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

/** Trailing sentences/lines of the previous chunk's own units, within `maxTokens`. */
function overlapOf(
  full: string,
  units: Unit[],
  from: number,
  to: number,
  maxTokens: number,
  count: ChunkOptions['countTokens'],
) {
  if (maxTokens <= 0) return null;
  let start = -1;
  let tokens = 0;
  for (let u = to; u >= from; u--) {
    const segments = segmentsOf(full, units[u]!.start, units[u]!.end, units[u]!.code);
    for (let s = segments.length - 1; s >= 0; s--) {
      // Never repeat the whole previous chunk: the overlap starts after its first segment.
      if (u === from && s === 0) return start < 0 ? null : { start, tokens };
      const t = count(full.slice(segments[s]!.start, segments[s]!.end));
      if (tokens + t > maxTokens) {
        if (start >= 0) return { start, tokens };
        const tail = tailWithin(full, segments[s]!, maxTokens, count);
        return tail.tokens > 0 ? tail : null;
      }
      start = segments[s]!.start;
      tokens += t;
    }
  }
  return start < 0 ? null : { start, tokens };
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
    // The counts were summed per piece: check the real text, and give back what does not fit.
    for (;;) {
      const start = overlap?.start ?? units[i]!.start;
      const text = full.slice(start, units[j - 1]!.end);
      const embedText = prefix + text;
      const tokenCount = count(embedText);
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
