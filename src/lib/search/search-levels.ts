// How wide the sign-bit index searches, from cheapest to an exact scan. The index's self-check
// (recall-check.ts) picks the first level whose measured recall reaches its goal, so clustered
// data is searched at a low level and unstructured data at a high one. Figures per level and
// shape: bench/README.md ("Vector index").

export interface SearchLevel {
  /**
   * Share of the candidates whose first-half code estimate lets them on to the full estimate
   * (1 = every candidate gets the full estimate at once).
   */
  keepShare: number;
  /** Candidates rescored by int8 cosine for k = 10 (scaled up for larger k); Infinity = exact. */
  pool: number;
}

export const searchLevels: readonly SearchLevel[] = [
  { keepShare: 0.01, pool: 64 },
  { keepShare: 0.02, pool: 64 },
  { keepShare: 0.05, pool: 128 },
  { keepShare: 0.1, pool: 256 },
  { keepShare: 0.2, pool: 512 },
  { keepShare: 0.4, pool: 1024 },
  { keepShare: 1, pool: 2048 },
  { keepShare: 1, pool: 4096 },
  { keepShare: 1, pool: 8192 },
  { keepShare: 1, pool: Infinity },
];

export const exactLevel = searchLevels.length - 1;

/**
 * Below this many candidates every search is an exact int8 scan: it takes about a millisecond
 * here (bench/README.md), so an estimate would save nothing worth its risk.
 */
export const exactBelow = 5_000;

/** Candidates to rescore at `level` for `k` results: the pool grows with k past 10. */
export function poolFor(level: SearchLevel, k: number): number {
  return Math.ceil(level.pool * Math.max(1, k / 10));
}

/** Candidates that get the full estimate: at least four per pool place. */
export function keepFor(level: SearchLevel, k: number, candidates: number): number {
  return Math.min(
    candidates,
    Math.max(Math.ceil(level.keepShare * candidates), 4 * poolFor(level, k)),
  );
}
