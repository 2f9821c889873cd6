// Worker side: exposes one in-worker engine and its model store over the engine protocol.
import type { HandlerContext } from '../rpc/protocol';
import { serve } from '../rpc/server';
import type { EngineEvents, EngineHandlers } from './engine-protocol';
import type { LlmEngine, ModelStoreBackend, NetworkSettings } from './types';

type Ctx = HandlerContext<EngineEvents>;

export interface EngineWorkerParts {
  engine: LlmEngine;
  store: ModelStoreBackend;
  configure: (settings: NetworkSettings) => void;
}

export function createEngineHandlers({ engine, store, configure }: EngineWorkerParts) {
  const running = new Map<number, AbortController>();

  /** Runs a long call under its own AbortController so `abort({callId})` can stop it. */
  async function track<T>(callId: number, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    running.set(callId, controller);
    try {
      return await run(controller.signal);
    } finally {
      running.delete(callId);
    }
  }

  return {
    configure: (args: NetworkSettings) => configure(args),
    load: ({ callId, spec }, ctx: Ctx) =>
      track(callId, (signal) =>
        engine.load(spec, (progress) => ctx.emit('loadProgress', { callId, progress }), signal),
      ),
    chat: ({ callId, request }, ctx: Ctx) => {
      // Echoed so the context inspector shows what this side got, not what the page meant to send.
      ctx.emit('received', { callId, request });
      return track(callId, (signal) =>
        engine.chat(request, (text) => ctx.emit('delta', { callId, text }), signal),
      );
    },
    abort: ({ callId }) => running.get(callId)?.abort(),
    unload: () => engine.unload(),
    download: ({ callId, spec }, ctx: Ctx) =>
      track(callId, (signal) =>
        store.download(
          spec,
          (progress) => ctx.emit('downloadProgress', { callId, progress }),
          signal,
        ),
      ),
    resolveRevision: ({ spec, ref }) => store.resolveRevision(spec, ref),
    checkFiles: ({ spec, expected }) => store.checkFiles(spec, expected),
    isInstalled: ({ spec }) => store.isInstalled(spec),
    sizeOnDisk: ({ spec }) => store.sizeOnDisk(spec),
    remove: ({ spec }) => store.remove(spec),
    importFiles: ({ callId, files }, ctx: Ctx) =>
      store.importFiles(files, (done, total) =>
        ctx.emit('importProgress', { callId, done, total }),
      ),
  } satisfies EngineHandlers;
}

/** Wires an engine worker: a few lines in each `src/workers/llm-*.worker.ts`. */
export function serveEngine(port: Parameters<typeof serve>[0], parts: EngineWorkerParts): void {
  serve<EngineHandlers, EngineEvents>(port, createEngineHandlers(parts));
}
