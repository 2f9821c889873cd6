// What the memory worker answers and announces: semantic hits, its status and indexing progress.
import type { NoteKind, SearchFilters, SnippetPart } from '../types';
import type { ModelSource } from '../llm/types';
import type { IndexProgress } from './indexer';
import type { RecallReport } from './recall-report';

export type { IndexProgress, RecallReport };

/** One chunk of a note that matched, with where it sits in the note's text. */
export interface ChunkHit {
  chunkId: string;
  noteId: string;
  title: string;
  path: string;
  kind: NoteKind;
  date: string;
  tags: string[];
  /** Cosine similarity of the query and the chunk, −1..1. */
  score: number;
  /** Character range in the note's full text, end exclusive. */
  start: number;
  end: number;
  headingPath: string[];
  text: string;
  snippet: SnippetPart[];
}

export type SemanticUnavailable =
  /** No embedding model is installed (or none is complete). */
  | 'no-model'
  /** The embedding model is installed but the browser removed its files: see MemoryStatus.evicted. */
  | 'evicted'
  /** The model is loading, or the index is being restored. */
  | 'starting'
  /** The model failed to load; `error` says why. */
  | 'error';

export interface SemanticResponse {
  hits: ChunkHit[];
  /** Set when semantic search could not run: callers fall back to keyword search. */
  unavailable: SemanticUnavailable | null;
  modelId: string | null;
  tookMs: number;
}

/** Texts embedded by the serving model: `vectors` holds one L2-normalized vector per text. */
export interface EmbedResponse {
  modelId: string;
  dimensions: number;
  vectors: Float32Array;
}

export interface SemanticArgs {
  query: string;
  k?: number;
  filters?: SearchFilters;
}

export interface RelatedArgs {
  noteId: string;
  k?: number;
}

export interface MemoryModel {
  key: string;
  name: string;
  dimensions: number;
}

/** An installed embedding model whose files the browser removed (its record is still here). */
export interface EvictedModel {
  key: string;
  name: string;
  source: ModelSource;
}

export interface MemoryStatus {
  phase: 'starting' | 'no-model' | 'evicted' | 'loading-model' | 'ready' | 'error';
  /** Set in phase 'evicted': the model to download again or import again. Nothing fetches it. */
  evicted: EvictedModel | null;
  /** The model whose vectors answer searches: the last complete index, else the one being built. */
  servingModel: string | null;
  /** The model being indexed towards (the user's choice); equals servingModel once complete. */
  targetModel: string | null;
  models: MemoryModel[];
  /** This tab runs the indexing (one tab does; the others follow its writes). */
  writer: boolean;
  paused: boolean;
  progress: IndexProgress | null;
  chunks: number;
  vectors: number;
  indexKind: string | null;
  /** Restore of the serving index at start, from snapshot or rows. */
  restoreMs: number | null;
  restoredFromSnapshot: boolean;
  snapshotBytes: number;
  /** The serving index's last recall self-check (null for an exact index, or before the first). */
  recall: RecallReport | null;
  /** Where the embedding model runs. */
  device: 'wasm' | 'webgpu' | null;
  /** ONNX Runtime's WASM threads the serving model runs on, as its worker configured them. */
  threads: number | null;
  /** Note passages this worker embedded since it started, over every model and indexer. */
  passagesEmbedded: number;
  error: string | null;
}

export type MemoryEvents = {
  status: MemoryStatus;
  /** After vectors were added or removed: open views may re-run their query. */
  changed: { modelId: string };
};
