// The local-model domain: what the UI, the model store and both engines agree on.
// The UI holds an `LlmEngine` and cannot tell which engine (WebLLM on WebGPU, transformers.js on
// WASM or WebGPU) is behind it, nor that it runs in a worker.

export type EngineKind = 'webllm' | 'transformers';

/** What a message is for; routing maps each task to a model (see router.ts). */
export type Task = 'chat' | 'code' | 'writing' | 'reasoning';

/** Everything an engine needs to fetch and load one model. Plain data: it crosses worker boundaries. */
export type ModelSpec = WebLlmSpec | TransformersSpec;

export interface WebLlmSpec {
  engine: 'webllm';
  /** web-llm's `model_id`, e.g. `Llama-3.2-1B-Instruct-q4f32_1-MLC`. */
  modelId: string;
  /** Base URL of the weights, e.g. `https://huggingface.co/mlc-ai/<id>` (web-llm adds `/resolve/…/`). */
  modelUrl: string;
  /**
   * The hub commit (40 hex digits) the weights are pinned to: files come from `resolve/<revision>/`.
   * Absent on catalog entries (not yet resolved), imports, and models installed before pinning,
   * which read `resolve/main/`.
   */
  revision?: string;
  /** URL of the compiled model library (`.wasm`). */
  modelLibUrl: string;
  vramMB: number | null;
  contextWindow: number | null;
  requiresF16: boolean;
}

export interface TransformersSpec {
  engine: 'transformers';
  /** Hub repo id (`owner/name`); imported models live under `imported/<slug>`. */
  repo: string;
  /** The hub commit the files are pinned to, as on WebLlmSpec. */
  revision?: string;
  /** transformers.js dtype, e.g. `q4`, `q8`, `fp32`. */
  dtype: string;
  device: 'wasm' | 'webgpu';
  contextWindow: number | null;
  /** Present on embedding (feature-extraction) models, absent on chat models. */
  embedding?: EmbeddingSpec;
}

/** How an embedding model turns text into one vector (see src/lib/llm/transformers/embedder.ts). */
export interface EmbeddingSpec {
  /** Vector length, from the model's `hidden_size`. */
  dimensions: number;
  pooling: 'mean' | 'cls';
  /** Prepended to queries and to passages (e5: `query: ` / `passage: `; bge: an instruction). */
  queryPrefix: string;
  passagePrefix: string;
  /** Longest input the model was trained on, in its own tokens. */
  maxTokens: number;
}

/** What a model is for: answering (chat) or turning notes into vectors (embedding). */
export type ModelRole = 'chat' | 'embedding';

/** The role of a model from its spec: an embedding spec makes an embedding model. */
export function modelRole(spec: ModelSpec): ModelRole {
  return spec.engine === 'transformers' && spec.embedding ? 'embedding' : 'chat';
}

/** A stable id for a model across engines: `webllm:<modelId>` or `transformers:<repo>@<dtype>`. */
export function modelKey(spec: ModelSpec): string {
  return spec.engine === 'webllm'
    ? `webllm:${spec.modelId}`
    : `transformers:${spec.repo}@${spec.dtype}`;
}

/** One model the user could download, shown before any byte is fetched. */
export interface CatalogEntry {
  key: string;
  name: string;
  spec: ModelSpec;
  /** Bytes to download; `downloadBytesExact` is false when estimated from parameters and quantization. */
  downloadBytes: number | null;
  downloadBytesExact: boolean;
  vramMB: number | null;
  contextWindow: number | null;
  requiresF16: boolean;
  /** For an f16 entry, the key of the same model in f32, offered when the GPU lacks `shader-f16`. */
  f32Alternative: string | null;
  /** Hosts the download will contact (before any mirror rewrite). */
  hosts: string[];
  /** Tasks this model is suited to, used as routing defaults. */
  strengths: Task[];
}

export type ModelSource = 'hub' | 'mirror' | 'import';

/** A model whose files are on this device (the files live in the engine library's own cache). */
export interface InstalledModel {
  key: string;
  name: string;
  spec: ModelSpec;
  source: ModelSource;
  sizeBytes: number;
  installedAt: number;
  /** False while a download is partial: the files present stay, a retry fetches the rest. */
  complete: boolean;
  /** Each file's SHA-256, checked before every load. Absent on records written before pinning. */
  pin?: ModelPin;
}

/**
 * True when the model's install finished once, whether or not its files are still here. The
 * Models view writes `complete: false` when it finds the files gone (a browser evicting Cache
 * Storage keeps IndexedDB); a pin is written only when an install completes, and an import is
 * never partial. Such a model was evicted: it is not a download to resume halfway.
 */
export function wasInstalled(model: InstalledModel): boolean {
  return model.complete || !!model.pin?.files.length || model.source === 'import';
}

/** One stored model file: its path in the repo (a URL for files from elsewhere) and SHA-256. */
export interface ModelFileHash {
  path: string;
  sizeBytes: number;
  /** Lower-case hex. */
  sha256: string;
}

/**
 * What a model's files must be to load. `how` says when the hashes were taken: as the bytes
 * arrived ('download'), as a folder was imported ('import'), or on the first load after an upgrade
 * from a version that did not record them ('first-load': they prove nothing changed since then).
 */
export interface ModelPin {
  files: ModelFileHash[];
  pinnedAt: number;
  how: 'download' | 'import' | 'first-load';
}

export type Verdict = 'fits' | 'tight' | 'wont-fit';

export interface DeviceProbe {
  webgpu: boolean;
  vendor: string | null;
  architecture: string | null;
  description: string | null;
  shaderF16: boolean;
  maxStorageBufferBindingSize: number | null;
  maxBufferSize: number | null;
  /** `navigator.deviceMemory` (GiB, coarse, capped at 8 by browsers) when exposed. */
  deviceMemoryGB: number | null;
  storageUsageBytes: number | null;
  storageQuotaBytes: number | null;
  crossOriginIsolated: boolean;
  logicalCores: number;
}

export interface LoadProgress {
  phase: 'download' | 'load';
  /** 0..1 */
  fraction: number;
  loadedBytes: number | null;
  totalBytes: number | null;
  text: string;
}

export interface DownloadProgress {
  key: string;
  file: string;
  loadedBytes: number;
  totalBytes: number | null;
  filesDone: number;
  filesTotal: number;
}

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatRequest {
  messages: ChatMessage[];
  maxTokens?: number;
  temperature?: number;
}

export interface GenerationStats {
  promptTokens: number;
  completionTokens: number;
  /** From request to first token, as the engine saw it. */
  firstTokenMs: number;
  prefillTokensPerS: number;
  decodeTokensPerS: number;
  totalMs: number;
  finishReason: 'stop' | 'length' | 'abort';
}

/** What a load set up, as the engine that ran it reports it. */
export interface LoadReport {
  /**
   * ONNX Runtime's WASM threads a transformers.js model runs on, as its worker configured them;
   * null for a model computing on the GPU (WebLLM, transformers.js on WebGPU).
   */
  threads: number | null;
}

/** One engine with at most one model loaded. Implemented in-worker and across the worker boundary. */
export interface LlmEngine {
  readonly kind: EngineKind;
  /** Loads `spec`, unloading any other model first. Fetches missing files (download). */
  load(
    spec: ModelSpec,
    onProgress: (progress: LoadProgress) => void,
    signal?: AbortSignal,
  ): Promise<LoadReport>;
  /** Streams a completion; `onDelta` gets each new piece of text. Abort stops at once. */
  chat(
    request: ChatRequest,
    onDelta: (text: string) => void,
    signal?: AbortSignal,
    /** Engines across a worker call this with the request as the worker received it. */
    onReceived?: (request: ChatRequest) => void,
  ): Promise<GenerationStats>;
  unload(): Promise<void>;
}

/** A file handed to an import: its path relative to the picked folder, and its bytes. */
export interface ModelFile {
  path: string;
  file: Blob;
}

/** The model store operations each engine's worker provides next to its engine. */
export interface ModelStoreBackend {
  /**
   * Fetches every file of `spec` not yet cached (resuming a partial download) from its pinned
   * revision; resolves to the size and each file's SHA-256 (hashed as the bytes arrived).
   */
  download(
    spec: ModelSpec,
    onProgress: (progress: DownloadProgress) => void,
    signal?: AbortSignal,
  ): Promise<{ sizeBytes: number; files: ModelFileHash[] }>;
  /** Asks the hub which commit `ref` (a branch, `main`) of the model's repo points at now. */
  resolveRevision(spec: ModelSpec, ref: string): Promise<string>;
  /**
   * Hashes the model's stored files, reading the cache in chunks. With `expected`, throws
   * ModelIntegrityError naming each file that is missing or differs; never fetches anything.
   */
  checkFiles(spec: ModelSpec, expected: ModelFileHash[] | null): Promise<ModelFileHash[]>;
  isInstalled(spec: ModelSpec): Promise<boolean>;
  sizeOnDisk(spec: ModelSpec): Promise<number>;
  /** Deletes the model's files; resolves to the bytes freed. */
  remove(spec: ModelSpec): Promise<number>;
  /** Validates and stores a model folder; throws `ModelImportError` naming the bad file. */
  importFiles(
    files: ModelFile[],
    onProgress: (done: number, total: number) => void,
  ): Promise<Omit<InstalledModel, 'installedAt'>>;
}

/** Network settings the model workers apply to every request they make. */
export interface NetworkSettings {
  /** Base URL that replaces the Hugging Face hub (and web-llm's library host), or null. */
  mirror: string | null;
}
