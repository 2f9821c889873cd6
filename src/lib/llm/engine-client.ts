// Main-thread side: an LlmEngine and ModelStoreBackend that live in a worker. Calls that stream
// (chat, load, download) listen for their own events by callId; aborting stops forwarding at once
// and asks the worker to stop, so no token reaches the UI after Stop.
import { RpcClient } from '../rpc/client';
import type { EngineEvents, EngineHandlers } from './engine-protocol';
import type {
  ChatRequest,
  DownloadProgress,
  EngineKind,
  GenerationStats,
  InstalledModel,
  LlmEngine,
  LoadProgress,
  ModelFile,
  ModelFileHash,
  ModelSpec,
  ModelStoreBackend,
  NetworkSettings,
} from './types';

let nextCallId = 1;

function abortError(): DOMException {
  return new DOMException('Stopped.', 'AbortError');
}

export class WorkerEngine implements LlmEngine, ModelStoreBackend {
  readonly kind: EngineKind;
  #rpc: RpcClient<EngineHandlers, EngineEvents>;

  constructor(kind: EngineKind, worker: Worker) {
    this.kind = kind;
    this.#rpc = new RpcClient<EngineHandlers, EngineEvents>(worker);
  }

  /**
   * Runs one long call: routes its events to `onEvent` until it settles or is aborted. An abort
   * rejects immediately with AbortError and tells the worker; late events are dropped.
   */
  async #streamed<T, K extends keyof EngineEvents>(
    event: K,
    onEvent: (payload: EngineEvents[K]) => void,
    signal: AbortSignal | undefined,
    call: (callId: number) => Promise<T>,
  ): Promise<T> {
    signal?.throwIfAborted();
    const callId = nextCallId++;
    let live = true;
    const off = this.#rpc.on(event, (payload) => {
      if (live && (payload as { callId: number }).callId === callId) onEvent(payload);
    });
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => {
        live = false;
        void this.#rpc.call('abort', { callId });
        reject(abortError());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return await Promise.race([call(callId), aborted]);
    } finally {
      live = false;
      off();
      if (onAbort) signal?.removeEventListener('abort', onAbort);
    }
  }

  configure(settings: NetworkSettings): Promise<void> {
    return this.#rpc.call('configure', settings);
  }

  load(spec: ModelSpec, onProgress: (p: LoadProgress) => void, signal?: AbortSignal) {
    return this.#streamed(
      'loadProgress',
      (e) => onProgress(e.progress),
      signal,
      (callId) => this.#rpc.call('load', { callId, spec }),
    );
  }

  chat(
    request: ChatRequest,
    onDelta: (text: string) => void,
    signal?: AbortSignal,
    onReceived?: (request: ChatRequest) => void,
  ): Promise<GenerationStats> {
    let ownId = -1;
    const off = onReceived
      ? this.#rpc.on('received', (e) => {
          if (e.callId === ownId) onReceived(e.request);
        })
      : undefined;
    return this.#streamed(
      'delta',
      (e) => onDelta(e.text),
      signal,
      (callId) => {
        ownId = callId;
        return this.#rpc.call('chat', { callId, request });
      },
    ).finally(() => off?.());
  }

  unload(): Promise<void> {
    return this.#rpc.call('unload', {});
  }

  download(spec: ModelSpec, onProgress: (p: DownloadProgress) => void, signal?: AbortSignal) {
    return this.#streamed(
      'downloadProgress',
      (e) => onProgress(e.progress),
      signal,
      (callId) => this.#rpc.call('download', { callId, spec }),
    );
  }

  resolveRevision(spec: ModelSpec, ref: string): Promise<string> {
    return this.#rpc.call('resolveRevision', { spec, ref });
  }

  checkFiles(spec: ModelSpec, expected: ModelFileHash[] | null): Promise<ModelFileHash[]> {
    return this.#rpc.call('checkFiles', { spec, expected });
  }

  isInstalled(spec: ModelSpec): Promise<boolean> {
    return this.#rpc.call('isInstalled', { spec });
  }

  sizeOnDisk(spec: ModelSpec): Promise<number> {
    return this.#rpc.call('sizeOnDisk', { spec });
  }

  remove(spec: ModelSpec): Promise<number> {
    return this.#rpc.call('remove', { spec });
  }

  importFiles(
    files: ModelFile[],
    onProgress: (done: number, total: number) => void,
  ): Promise<Omit<InstalledModel, 'installedAt'>> {
    return this.#streamed(
      'importProgress',
      (e) => onProgress(e.done, e.total),
      undefined,
      (callId) => this.#rpc.call('importFiles', { callId, files }),
    );
  }

  terminate(): void {
    this.#rpc.terminate();
  }
}
