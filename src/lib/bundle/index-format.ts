// The optional `index/` part of a bundle (docs/export-format.md): the semantic index of one
// embedding model, so a restore searches by meaning at once instead of embedding every note again.
// Blocks of chunks, each a pair of entries: `chunks-NNNN.jsonl` (one row per chunk, in order) and
// `vectors-NNNN.i8` (the same chunks' int8 vectors back to back, `dimensions` bytes each). A block
// never holds more than `maxBlockChunks`, so neither side of the pair grows past a few MB.
import * as v from 'valibot';

export const indexPaths = {
  prefix: 'index/',
  meta: 'index/index.json',
  chunks: (block: number) => `index/chunks-${String(block).padStart(4, '0')}.jsonl`,
  vectors: (block: number) => `index/vectors-${String(block).padStart(4, '0')}.i8`,
} as const;

/** 16,384 chunks of 384 dimensions: a 6 MB vector file, a few MB of rows. */
export const maxBlockChunks = 16_384;
/** Wider than any sentence-embedding model Hearth runs; refuses absurd declarations. */
export const maxDimensions = 8192;

const count = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(Number.MAX_SAFE_INTEGER));

export const indexMetaSchema = v.object({
  /** The embedding model's key (`transformers:<repo>@<dtype>`), as in models.json. */
  modelId: v.pipe(v.string(), v.minLength(1), v.maxLength(500)),
  dimensions: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(maxDimensions)),
  /** search/chunk-sizes.ts `chunkerVersion` where it was made. */
  chunkerVersion: v.pipe(v.number(), v.integer(), v.minValue(1)),
  chunks: count,
  blocks: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(100_000)),
});
export type IndexMeta = v.InferOutput<typeof indexMetaSchema>;

/** One chunk: the stored chunk row without its label (labels are per device) plus its scale. */
export const indexChunkSchema = v.object({
  /** `<modelId>|<noteId>|<hash>` (`~<n>` for the n-th repeat of the same text in a note). */
  id: v.pipe(v.string(), v.minLength(1), v.maxLength(3000)),
  noteId: v.pipe(v.string(), v.minLength(1), v.maxLength(1000)),
  /** SHA-256 of the note's text it was cut from: rows of a note whose text differs are not used. */
  noteHash: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/)),
  hash: v.pipe(v.string(), v.maxLength(64)),
  seq: count,
  start: count,
  end: count,
  headingPath: v.pipe(v.array(v.pipe(v.string(), v.maxLength(2000))), v.maxLength(100)),
  tokenCount: count,
  /** value ≈ q[i] * scale */
  scale: v.pipe(v.number(), v.finite(), v.minValue(0)),
});
export type IndexChunk = v.InferOutput<typeof indexChunkSchema>;

/** One block as written and read: rows and their vectors (`rows.length * dimensions` bytes). */
export interface IndexBlock {
  chunks: IndexChunk[];
  vectors: Int8Array;
}

/** A bundle's index as read and checked. */
export interface BundleIndex {
  meta: IndexMeta;
  chunks: IndexChunk[];
  /** Every chunk's vector, in chunk order. */
  vectors: Int8Array;
}

/** The index rows a restore writes: only for notes restored as they were. */
export interface RestoredIndex {
  modelId: string;
  dimensions: number;
  chunks: IndexChunk[];
  vectors: Int8Array;
  /** Every note the rows belong to, with the hash of the text they were cut from. */
  notes: Map<string, string>;
}
