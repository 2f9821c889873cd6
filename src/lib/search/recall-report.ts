// What a recall check found, as the index, its snapshot, the memory worker's status and the
// benchmarks report it. Apart from recall-check.ts so those read the report's shape without
// importing the check itself (vector-index.ts, which the check reads, among them).
export interface LevelRecall {
  level: number;
  recall: number;
  /** Median search time of the sample at this level, ms. */
  searchMs: number;
}

export interface RecallReport extends LevelRecall {
  /** The recall the check widens the search for. */
  goal: number;
  /** Sample queries measured (stored vectors, each searched with itself left out). */
  sampleSize: number;
  /** The chosen level scans every vector exactly (a small index, or nothing cheaper passed). */
  exact: boolean;
  /** Vectors rescored by int8 cosine per search of 10 at the chosen level. */
  rescored: number;
  /** Vectors in the index when measured. */
  vectors: number;
  /** The whole check's time, ms. */
  checkMs: number;
  /** Samples whose exact top 10 had to be rescanned (0 when the saved sample was current). */
  rescanned: number;
  /** Every level measured on the way, in the order tried. */
  tried: LevelRecall[];
  /** Recall@10 of the remembered queries at the chosen level (null: too few to measure yet). */
  queryRecall: number | null;
  /** Remembered queries measured (0 below `minQueries`, recall-queries.ts). */
  querySamples: number;
  /** The narrowest level this check allowed: what queries last needed, or `unseenFloor` (recall-queries.ts). */
  floor: number;
}
