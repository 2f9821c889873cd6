// The embedder and open vector index of each model the memory worker holds: the one serving
// searches and the one being indexed, at most two. Either takes seconds to load and a model's index
// must be open once per worker, so callers asking meanwhile share the load, a failed load is
// forgotten (the next call tries again), and a dropped slot saves its snapshot before it frees the
// model. Apart from memory-service.ts, which decides which models to hold; this only holds them.
import type { TransformersSpec } from '../llm/types';
import type { TextEmbedder } from './embedding-types';
import { EmbedQueue } from './embed-queue';
import { VectorStore, type VectorStoreOptions } from './vector-store';

export interface Slot {
  modelId: string;
  queue: EmbedQueue;
  store: VectorStore;
}

export class ModelSlots {
  #slots = new Map<string, Promise<Slot>>();
  readonly #loadEmbedder: (spec: TransformersSpec) => Promise<TextEmbedder>;
  readonly #storeOptions: (modelId: string) => VectorStoreOptions;

  constructor(
    loadEmbedder: (spec: TransformersSpec) => Promise<TextEmbedder>,
    storeOptions: (modelId: string) => VectorStoreOptions,
  ) {
    this.#loadEmbedder = loadEmbedder;
    this.#storeOptions = storeOptions;
  }

  /** The model's slot, loaded or on its way, if it is held. */
  get(modelId: string): Promise<Slot> | undefined {
    return this.#slots.get(modelId);
  }

  /** Every slot held, loaded or on its way (one whose load failed rejects). */
  all(): IterableIterator<Promise<Slot>> {
    return this.#slots.values();
  }

  /** The model's slot, loading it unless it is held already. */
  open(modelId: string, spec: TransformersSpec): Promise<Slot> {
    let slot = this.#slots.get(modelId);
    if (!slot) {
      slot = (async () => {
        const embedder = await this.#loadEmbedder(spec);
        const store = await VectorStore.open(
          modelId,
          embedder.dimensions,
          this.#storeOptions(modelId),
        );
        return { modelId, queue: new EmbedQueue(embedder), store };
      })();
      this.#slots.set(modelId, slot);
      slot.catch(() => this.#slots.delete(modelId));
    }
    return slot;
  }

  /** Saves and frees every slot but those of `keep`. */
  async dropExcept(keep: string[]): Promise<void> {
    for (const [key, pending] of this.#slots) {
      if (keep.includes(key)) continue;
      this.#slots.delete(key);
      const slot = await pending.catch(() => null);
      if (!slot) continue;
      await slot.store.persist();
      slot.store.dispose();
      await slot.queue.embedder.dispose();
    }
  }
}
