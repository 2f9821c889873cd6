// What the memory worker needs from an embedding model, whichever library runs it.

/** `passage` for note chunks, `query` for what the user typed (models prefix them differently). */
export type EmbedInput = 'query' | 'passage';

export interface TextEmbedder {
  /** The model key (`transformers:<repo>@<dtype>`), stored on every chunk and vector. */
  readonly modelId: string;
  readonly dimensions: number;
  /** Longest input the model takes, in its tokens. */
  readonly maxTokens: number;
  readonly device: 'wasm' | 'webgpu';
  /** ONNX Runtime's WASM threads the model runs on; null on WebGPU or where not known. */
  readonly threads: number | null;
  /** Token count of each text in the model's own tokenizer, without special tokens. */
  countTokens(text: string): number;
  /**
   * Embeds `texts` in one batch. Returns n × dimensions floats, each vector L2-normalized, in a
   * buffer the caller owns (transfer it, do not copy it).
   */
  embed(texts: string[], input: EmbedInput): Promise<Float32Array>;
  dispose(): Promise<void>;
}

/** One piece of a note, as the chunker cuts it. */
export interface NoteChunk {
  /** Order in the note, from 0. */
  seq: number;
  /** Character range in the note's full text (frontmatter included), end exclusive. */
  start: number;
  end: number;
  /** Headings above the chunk, outermost first (the note title is not included). */
  headingPath: string[];
  /** `text.slice(start, end)`. */
  text: string;
  /** What gets embedded: the heading path as context, then the text. */
  embedText: string;
  /**
   * Tokens of `embedText` as `countTokens` counts them, or an upper bound of that (chunk-pack.ts):
   * never more than `maxTokens`.
   */
  tokenCount: number;
}

export interface ChunkOptions {
  /** Target size; no chunk's embedText exceeds it unless one word alone is longer. */
  maxTokens: number;
  /** Tokens repeated from the end of one chunk at the start of the next, inside one section. */
  overlapTokens: number;
  countTokens: (text: string) => number;
  /**
   * The note's title (e.g. from frontmatter), put first in every chunk's context. Without it, a
   * level-1 heading that opens the body is taken as the title.
   */
  title?: string;
}
