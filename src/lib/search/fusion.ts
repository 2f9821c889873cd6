// Reciprocal rank fusion (Cormack, Clarke & Büttcher 2009): each list adds weight / (k + rank)
// for every item it holds, so agreement between lists beats a high rank in one. Scores of
// different retrievers (BM25, cosine) are not comparable; ranks are.

export interface FusionOptions<T> {
  /** Identity of an item across lists; items are their own key by default. */
  key?: (item: T) => string;
  /** Weight of each list, in list order; missing entries weigh 1. */
  weights?: readonly number[];
  /** Damping constant: larger values flatten the advantage of top ranks. */
  k?: number;
}

export interface FusedEntry<T> {
  key: string;
  /** The item as the first list holding it gave it. */
  item: T;
  score: number;
  /** Lists that held the item (index into the input) and its 1-based rank there, in list order. */
  ranks: { list: number; rank: number }[];
}

export const defaultRrfK = 60;

/** Scores this close are a tie: sums of the same fractions in another order can differ by an ulp. */
const tieEpsilon = 1e-12;

function checkNumber(value: number, what: string): void {
  if (!Number.isFinite(value) || value < 0) {
    throw new RangeError(`Rank fusion ${what} must be a finite number ≥ 0 (got ${value}).`);
  }
}

/**
 * Fuses ranked lists (best first) into one, best first. Ties go to the item with the better best
 * rank, then to the earlier list, so the result does not depend on the sort algorithm. An item
 * listed twice in one list counts at its first place only.
 */
export function reciprocalRankFusion<T>(
  lists: readonly (readonly T[])[],
  options: FusionOptions<T> = {},
): FusedEntry<T>[] {
  const key = options.key ?? ((item: T) => String(item));
  const k = options.k ?? defaultRrfK;
  checkNumber(k, 'constant k');
  const fused = new Map<string, FusedEntry<T> & { best: [number, number] }>();
  lists.forEach((items, list) => {
    const weight = options.weights?.[list] ?? 1;
    checkNumber(weight, `weight of list ${list}`);
    items.forEach((item, index) => {
      const id = key(item);
      const rank = index + 1;
      let entry = fused.get(id);
      if (entry?.ranks.some((r) => r.list === list)) return;
      if (!entry) {
        entry = { key: id, item, score: 0, ranks: [], best: [rank, list] };
        fused.set(id, entry);
      }
      entry.score += weight / (k + rank);
      entry.ranks.push({ list, rank });
      if (rank < entry.best[0]) entry.best = [rank, list];
    });
  });
  return [...fused.values()]
    .sort(
      (a, b) =>
        (Math.abs(a.score - b.score) > tieEpsilon ? b.score - a.score : 0) ||
        a.best[0] - b.best[0] ||
        a.best[1] - b.best[1],
    )
    .map(({ key: id, item, score, ranks }) => ({ key: id, item, score, ranks }));
}

export interface NoteGroup<T> {
  noteId: string;
  /** The note's best-ranked chunk. */
  best: T;
  /** 1-based rank of `best` in the input. */
  rank: number;
  /** All of the note's chunks that matched, best first, with their ranges. */
  chunks: T[];
}

/**
 * Groups chunk hits (best first) by note, for fusing with note-level results: one group per
 * note, in the order of each note's best chunk.
 */
export function groupByNote<T extends { noteId: string }>(hits: readonly T[]): NoteGroup<T>[] {
  const groups = new Map<string, NoteGroup<T>>();
  hits.forEach((hit, index) => {
    const group = groups.get(hit.noteId);
    if (group) group.chunks.push(hit);
    else groups.set(hit.noteId, { noteId: hit.noteId, best: hit, rank: index + 1, chunks: [hit] });
  });
  return [...groups.values()];
}
