// The real queries in the recall check. Stored vectors are passages; e5 and bge embed a query with
// a prefix (`query: `) that moves it by an offset the passages do not share, and an offset query
// can need a wider search than any stored vector does (20k `mean` vectors: 0.995 on the sample at
// the cheapest width, 0.67 for queries offset by 0.8). So the check (recall-check.ts) also keeps a
// small reservoir of real query embeddings the index was asked and measures them against an exact
// scan too; a width passes only if both reach the goal. The check runs again once 16 and 64
// queries were seen, so the width follows the queries; the width queries last needed is saved (a
// number, nothing of the queries) as a floor until they are measured again. Before any query was
// ever measured, the width is at least `unseenFloor`.
//
// Kept apart from the stored-vector sample because these follow a rule of their own: a query says
// what the user looked for, so the queries stay in memory only and never reach a snapshot.
import type { VectorHit } from './vector-index';
import { TopK } from './top-k';

/** What measuring queries needs from an index: exact int8 scores, and searches at a level. */
export interface QueryTarget {
  scoreAll(query: Float32Array, top: TopK): void;
  searchAt(query: Float32Array, k: number, level: number): VectorHit[];
}

/** Recall@`recallK`: the hits compared per search, for queries and the sample alike. */
export const recallK = 10;
/** Query embeddings remembered (in memory only) for the check. */
export const queryCapacity = 64;
/** Queries needed before they are measured: fewer estimate recall too roughly to widen on. */
export const minQueries = 16;
/** Queries seen (since the worker started) at which the check runs again. */
const queryCheckpoints = [minQueries, queryCapacity];
/**
 * The narrowest level while no query was ever measured. Measured on 20k vectors with 200 held-out
 * queries offset by 0.4 / 0.8 (recall@10 against exact float cosine, levels 0–4): `mean` 0.919 /
 * 0.670, 0.941 / 0.740, 0.972 / 0.859, 0.985 / 0.926, 0.986 / 0.969; `loose` needs level 2 for 0.8
 * (0.901, 0.924, 0.966); `tight` passes at level 0 and `uniform` needs level 6 anyway. Level 4 is
 * the first that holds both offsets on every shape; at 100k it costs about 4.0–4.4 ms p50 against
 * 2.4–2.8 ms at level 0 (bench/README.md, width 5 against width 1), and only until `minQueries`
 * queries were measured: after that the queries themselves set the width.
 */
export const unseenFloor = 4;

export class QuerySample {
  /** Reservoir of query embeddings searched (never saved). */
  #queries: Float32Array[] = [];
  #seen = 0;
  #checked = 0;
  /** The level the queries needed when last measured (saved), or -1 if never. */
  #level: number;
  /** The remembered queries and their exact top 10, taken at the start of a run. */
  #truths: { query: Float32Array; truth: Set<number> }[] = [];

  constructor(level = -1) {
    this.#level = level;
  }

  /** The level to save: what the queries needed when last measured, or -1 if never. */
  get level(): number {
    return this.#level;
  }

  /** Queries remembered now. */
  get count(): number {
    return this.#queries.length;
  }

  /** Queries seen since the worker started. */
  get seen(): number {
    return this.#seen;
  }

  /** Enough new queries were seen since the last check to measure them (again). */
  due(): boolean {
    const checkpoint = queryCheckpoints.find((c) => c > this.#checked);
    return checkpoint !== undefined && this.#seen >= checkpoint;
  }

  /** Remembers a query the index was asked (a copy, in memory only), for the next check. */
  note(query: Float32Array, rand: () => number): void {
    this.#seen++;
    const slot =
      this.#queries.length < queryCapacity ? this.#queries.length : Math.floor(rand() * this.#seen);
    if (slot < queryCapacity) this.#queries[slot] = query.slice();
  }

  /** The narrowest level a check may choose: what queries last needed, or a margin if never. */
  floor(measuringQueries: boolean): number {
    if (measuringQueries) return 0;
    return this.#level >= 0 ? this.#level : unseenFloor;
  }

  /**
   * Exact top 10 of each remembered query, by a full int8 scan (when there are enough); true when
   * this check measures queries.
   */
  async take(target: QueryTarget, next: () => Promise<void>): Promise<boolean> {
    this.#truths = [];
    if (this.#queries.length < minQueries) return false;
    for (const query of this.#queries.slice()) {
      const top = new TopK(recallK);
      target.scoreAll(query, top);
      this.#truths.push({ query, truth: new Set(top.labels.subarray(0, top.count)) });
      await next();
    }
    return this.#truths.length > 0;
  }

  /** Recall of the taken queries at `level`, or null when none were taken. */
  async measure(
    target: QueryTarget,
    level: number,
    next: () => Promise<void>,
    stopped: () => boolean,
  ): Promise<number | null> {
    if (this.#truths.length === 0) return null;
    let found = 0;
    let total = 0;
    for (const { query, truth } of this.#truths) {
      if (stopped()) break;
      const hits = target.searchAt(query, recallK, level);
      found += hits.filter((h) => truth.has(h.label)).length;
      total += truth.size;
      await next();
    }
    return total ? found / total : 1;
  }

  /**
   * Ends a check: if it measured queries, `passed` is the level they needed and `seenAtStart` the
   * queries seen when it began; the taken truths are dropped either way.
   */
  finish(measured: boolean, passed: number, seenAtStart: number): void {
    if (measured) {
      this.#level = passed;
      this.#checked = seenAtStart;
    }
    this.#truths = [];
  }
}
