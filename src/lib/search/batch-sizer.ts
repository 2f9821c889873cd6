// How many chunks the indexer embeds per call. A model call has a fixed cost around it (a
// transaction, an index update, a progress report), so a fast model needs large batches or that
// cost becomes the whole of indexing; a slow one keeps small batches, because a search query waits
// for the batch already running and a pause or a progress report comes between batches.

/** The smallest batch: batching barely speeds a model up on CPU, so a slow one stays here. */
export const minEmbedBatch = 8;
/** Bounds a batch's rows in memory and the work lost if the tab closes mid-batch. */
export const maxEmbedBatch = 512;
/** How long one call may take before the batch stops growing: what a query may wait. */
export const targetBatchMs = 200;

export class BatchSizer {
  #size = minEmbedBatch;

  get size(): number {
    return this.#size;
  }

  /** After a call of `chunks` took `ms`: at most doubles (one quick call proves little), or shrinks at once. */
  observe(chunks: number, ms: number): void {
    if (chunks <= 0) return;
    const fits = Math.floor((targetBatchMs * chunks) / Math.max(ms, 0.01));
    const next = Math.min(fits, this.#size * 2, maxEmbedBatch);
    this.#size = Math.max(minEmbedBatch, next);
  }
}
