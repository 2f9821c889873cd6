// The semantic-memory worker: embeds notes and queries with a local model (transformers.js on
// WASM, or WebGPU when measured faster), keeps the vector index, and answers semantic searches.
import { eventEmitter, serve } from '../lib/rpc/server';
import { createMemoryHandlers, type MemoryHandlers } from '../lib/search/memory-handlers';
import type { MemoryEvents } from '../lib/search/memory-types';
import { preferredEmbeddingModel } from '../lib/llm/transformers/embedding-catalog';
import type { TransformersSpec } from '../lib/llm/types';

/** transformers.js loads only once a model is installed: a vault without one never pays for it. */
async function loadModel(spec: TransformersSpec) {
  const [runtime, { loadEmbedder }] = await Promise.all([
    import('../lib/llm/transformers/runtime'),
    import('../lib/llm/transformers/embedder'),
  ]);
  runtime.configureTransformers();
  return loadEmbedder(spec, { network: runtime.withNetwork });
}

const handlers = createMemoryHandlers(eventEmitter<MemoryEvents>(self), {
  loadEmbedder: loadModel,
  preferredModel: preferredEmbeddingModel,
  // One tab indexes; the lock passes to another tab when this one closes.
  acquireWriterLock: (onAcquired) =>
    void navigator.locks.request('hearth-memory-writer', () => {
      onAcquired();
      return new Promise<never>(() => {});
    }),
});
serve<MemoryHandlers, MemoryEvents>(self, handlers);
