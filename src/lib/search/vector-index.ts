// The vector index contract every adapter implements (flat scans, voy, an approximate index).
// Vectors are L2-normalized, so cosine similarity is a dot product; ids are the chunks' numeric
// labels (ChunkRecord.label). Operations are synchronous once the index exists: the memory worker
// calls them between embedding batches, and a search must never wait on a promise chain.
import type { RecallReport } from './recall-report';

export interface VectorHit {
  label: number;
  /** Cosine similarity to the query, higher is closer (approximate for quantized indexes). */
  score: number;
}

export interface VectorIndex {
  /** Which adapter built it, e.g. `flat-f32`, `flat-int8`, `voy`. */
  readonly kind: string;
  readonly dimensions: number;
  /** Number of vectors currently searchable. */
  readonly size: number;
  /**
   * Adds `labels.length` vectors, `vectors` holding them back to back (length = n × dimensions).
   * A label already present is replaced.
   */
  add(labels: Uint32Array, vectors: Float32Array): void;
  /** Removes the labels present; unknown labels are ignored. */
  remove(labels: ArrayLike<number>): void;
  has(label: number): boolean;
  /** Every label in the index, in no particular order. */
  labels(): Uint32Array;
  /**
   * The `k` nearest vectors to `query` (length = dimensions), best first. With `allowed`, only
   * those labels are ranked (filters apply before ranking, so k hits come back when k exist).
   */
  search(query: Float32Array, k: number, allowed?: ArrayLike<number>): VectorHit[];
  /** The whole index as byte parts of at most `maxPartBytes` each, for IndexedDB. */
  serialize(): Uint8Array[];
  /** Frees WASM memory, if any. The index is unusable afterwards. */
  dispose(): void;
  /**
   * Approximate indexes measure their own recall (recall-check.ts): the last measurement, whether
   * a new one is due (after growth), and the check itself, which may widen the search.
   */
  readonly recall?: RecallReport | null;
  checkDue?(): boolean;
  checkRecall?(pause: () => Promise<void>): Promise<RecallReport>;
  /**
   * A query embedding a user searched with, for the check to measure query-shaped vectors too
   * (kept in memory only, never serialized).
   */
  noteQuery?(query: Float32Array): void;
}

/** Builds or restores one kind of index. Async because WASM adapters load their module first. */
export interface VectorIndexFactory {
  readonly kind: string;
  create(dimensions: number): Promise<VectorIndex>;
  /** Rebuilds an index from `serialize()` output; throws a named error on parts it cannot read. */
  restore(parts: Uint8Array[], dimensions: number): Promise<VectorIndex>;
}

/** Parts stay below this so one IndexedDB write never has to hold a huge value. */
export const maxPartBytes = 8 * 1024 * 1024;
