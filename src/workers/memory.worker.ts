// The semantic-memory worker: embeds notes and queries with a local model (transformers.js on
// WASM, or WebGPU when measured faster), keeps the vector index, and answers semantic searches.
import { eventEmitter, serve } from '../lib/rpc/server';
import { createMemoryHandlers, type MemoryHandlers } from '../lib/search/memory-handlers';
import type { MemoryEvents } from '../lib/search/memory-types';
import { preferredEmbeddingModel } from '../lib/llm/transformers/embedding-catalog';
import {
  modelKey,
  type InstalledModel,
  type ModelFileHash,
  type ModelSpec,
  type TransformersSpec,
} from '../lib/llm/types';
import { probeDevice } from '../lib/llm/probe';
import { checkBeforeLoad } from '../lib/llm/load-check';
import {
  listInstalledModels,
  readSetting,
  saveInstalledModel,
  writeSetting,
} from '../lib/db/models-repo';

/**
 * transformers.js loads only once a model is installed: a vault without one never pays for it.
 * Its files are checked against their recorded SHA-256 first, as for a chat model.
 */
async function loadModel(spec: TransformersSpec) {
  const [runtime, { loadEmbedder }, { loadOnFastestDevice }, { checkTransformersFiles }] =
    await Promise.all([
      import('../lib/llm/transformers/runtime'),
      import('../lib/llm/transformers/embedder'),
      import('../lib/llm/transformers/embed-device'),
      import('../lib/llm/transformers/store'),
    ]);
  runtime.configureTransformers();
  const record = (await listInstalledModels()).find((m) => m.key === modelKey(spec));
  if (record) {
    const checker = {
      checkFiles: (s: ModelSpec, expected: ModelFileHash[] | null) =>
        checkTransformersFiles(s as TransformersSpec, expected),
    };
    const pinned = await checkBeforeLoad({ ...record, spec }, checker);
    if (pinned) await saveInstalledModel(pinned);
  }
  const key = `memory.device:${modelKey(spec)}`;
  return loadOnFastestDevice(spec, {
    load: (s) => loadEmbedder(s, { network: runtime.withNetwork, threads: runtime.wasmThreads }),
    remembered: {
      read: async () =>
        (await readSetting<{ device: 'wasm' | 'webgpu' } | null>(key, null))?.device ?? null,
      write: (choice) => writeSetting(key, choice),
    },
    probe: probeDevice,
  });
}

/** Keys only, no transformers.js: a model the browser evicted is found without loading the library. */
async function filesPresent(model: InstalledModel): Promise<boolean> {
  const { recordedFilesPresent } = await import('../lib/llm/transformers/cache-files');
  const spec = model.spec as TransformersSpec;
  return recordedFilesPresent(
    spec.repo,
    spec.revision,
    model.pin?.files.map((f) => f.path),
  );
}

const handlers = createMemoryHandlers(eventEmitter<MemoryEvents>(self), {
  loadEmbedder: loadModel,
  filesPresent,
  preferredModel: preferredEmbeddingModel,
  // One tab indexes: the newest one takes over (a tab frozen in the back/forward cache would
  // otherwise hold the lock forever); a tab that lost it queues to get it back when that one closes.
  acquireWriterLock: (onAcquired, onLost) => {
    const hold = (steal: boolean): void =>
      void navigator.locks
        .request('hearth-memory-writer', { steal }, () => {
          onAcquired();
          return new Promise<never>(() => {});
        })
        .catch(() => {
          onLost();
          hold(false);
        });
    hold(true);
  },
});
serve<MemoryHandlers, MemoryEvents>(self, handlers);
