// How notes are cut for embedding, apart from the indexer so a backup can name it without loading
// the indexing code.

/** Chunks are sized for retrieval, not for the model's limit: shorter is faster on a CPU. */
export const chunkTokens = 128;
export const overlapTokens = 16;

/**
 * Names how notes are cut: the chunker's rules (chunker.ts, chunk-pack.ts, chunk-split.ts) and the
 * sizes above. A backup's semantic index is loaded only when it was cut the same way, so bump this
 * with any change that moves a chunk boundary or its context line.
 */
export const chunkerVersion = 1;
