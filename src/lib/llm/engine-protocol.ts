// The one typed protocol both model workers speak (WebLLM's and transformers.js's), so the main
// thread drives either through the same client. Long calls carry a `callId` that `abort` names.
import type {
  ChatRequest,
  DownloadProgress,
  GenerationStats,
  InstalledModel,
  LoadProgress,
  LoadReport,
  ModelFile,
  ModelFileHash,
  ModelSpec,
  NetworkSettings,
} from './types';

export type EngineEvents = {
  loadProgress: { callId: number; progress: LoadProgress };
  downloadProgress: { callId: number; progress: DownloadProgress };
  importProgress: { callId: number; done: number; total: number };
  delta: { callId: number; text: string };
  /** The chat request exactly as the worker received it, sent back before the first token. */
  received: { callId: number; request: ChatRequest };
};

type Ctx = import('../rpc/protocol').HandlerContext<EngineEvents>;

// Type aliases, not interfaces: they must be assignable to the RPC layer's index-signature maps.
export type EngineHandlers = {
  configure(args: NetworkSettings): void;
  load(args: { callId: number; spec: ModelSpec }, ctx: Ctx): Promise<LoadReport>;
  chat(args: { callId: number; request: ChatRequest }, ctx: Ctx): Promise<GenerationStats>;
  abort(args: { callId: number }): void;
  unload(args: Record<string, never>): Promise<void>;
  download(
    args: { callId: number; spec: ModelSpec },
    ctx: Ctx,
  ): Promise<{ sizeBytes: number; files: ModelFileHash[] }>;
  resolveRevision(args: { spec: ModelSpec; ref: string }): Promise<string>;
  checkFiles(args: { spec: ModelSpec; expected: ModelFileHash[] | null }): Promise<ModelFileHash[]>;
  isInstalled(args: { spec: ModelSpec }): Promise<boolean>;
  sizeOnDisk(args: { spec: ModelSpec }): Promise<number>;
  remove(args: { spec: ModelSpec }): Promise<number>;
  importFiles(
    args: { callId: number; files: ModelFile[] },
    ctx: Ctx,
  ): Promise<Omit<InstalledModel, 'installedAt'>>;
};
