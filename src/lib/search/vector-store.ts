// One embedding model's vector index in memory, kept equal to its rows in IndexedDB: restored from
// the saved snapshot (or built from the rows), reconciled with the rows when the snapshot is older,
// and saved again a while after the last change. Writes and snapshots take turns through one lock,
// so a snapshot's generation always names exactly the rows it contains.
import type { VectorIndex } from './vector-index';
import { indexFactories, defaultIndexKind, type IndexKind } from './index-registry';
import { dequantizeInt8 } from './quantize';
import * as repo from '../db/memory-repo';
import { deleteIndexSnapshot, loadIndexSnapshot, saveIndexSnapshot } from '../db/index-blocks-repo';
import { errorMessage } from '../errors';

const pageSize = 2_000;
const persistDelayMs = 3_000;
const persistMaxWaitMs = 30_000;

export interface VectorStoreInfo {
  modelId: string;
  kind: string;
  size: number;
  restoredFromSnapshot: boolean;
  restoreMs: number;
  snapshotBytes: number;
}

export interface VectorStoreOptions {
  onError: (message: string) => void;
  /** False in tabs that only follow another tab's writes. */
  mayPersist?: () => boolean;
}

const yieldToEvents = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** Float vectors (back to back) and labels for rows read from the database. */
export function unpackRows(rows: repo.VectorRecord[], dimensions: number) {
  const labels = new Uint32Array(rows.length);
  const q = new Int8Array(rows.length * dimensions);
  const scales = new Float32Array(rows.length);
  rows.forEach((row, i) => {
    labels[i] = row.label;
    q.set(row.q, i * dimensions);
    scales[i] = row.scale;
  });
  return { labels, vectors: dequantizeInt8(q, scales, dimensions) };
}

export class VectorStore {
  readonly modelId: string;
  readonly dimensions: number;
  index!: VectorIndex;
  info!: VectorStoreInfo;
  #lock: Promise<unknown> = Promise.resolve();
  #persistTimer: ReturnType<typeof setTimeout> | undefined;
  #dirtySinceMs = 0;
  #onError: (message: string) => void;
  #mayPersist: () => boolean;

  private constructor(modelId: string, dimensions: number, options: VectorStoreOptions) {
    this.modelId = modelId;
    this.dimensions = dimensions;
    this.#onError = options.onError;
    this.#mayPersist = options.mayPersist ?? (() => true);
  }

  static async open(
    modelId: string,
    dimensions: number,
    options: VectorStoreOptions,
    kind: IndexKind = defaultIndexKind,
  ): Promise<VectorStore> {
    const store = new VectorStore(modelId, dimensions, options);
    await store.#load(kind);
    return store;
  }

  async #load(kind: IndexKind): Promise<void> {
    const startedMs = performance.now();
    const factory = await indexFactories[kind]();
    const snapshot = await loadIndexSnapshot(this.modelId).catch((error: unknown) => {
      this.#onError(`The saved semantic index was unreadable: ${errorMessage(error)}`);
      return undefined;
    });
    let restored = false;
    let snapshotBytes = 0;
    if (snapshot && snapshot.header.kind === kind && snapshot.header.dimensions === this.dimensions)
      try {
        this.index = await factory.restore(snapshot.parts, this.dimensions);
        restored = true;
        snapshotBytes = snapshot.parts.reduce((sum, p) => sum + p.byteLength, 0);
      } catch (error) {
        this.#onError(`The saved semantic index is being rebuilt: ${errorMessage(error)}`);
      }
    if (!restored) {
      this.index = await factory.create(this.dimensions);
      await repo.forEachVectorPage(this.modelId, pageSize, async (rows) => {
        const { labels, vectors } = unpackRows(rows, this.dimensions);
        this.index.add(labels, vectors);
        await yieldToEvents();
      });
      if (this.index.size > 0) this.#schedulePersist();
    } else if (snapshot!.header.generation !== (await repo.readGeneration(this.modelId))) {
      await this.reconcile();
    }
    this.info = {
      modelId: this.modelId,
      kind: this.index.kind,
      size: this.index.size,
      restoredFromSnapshot: restored,
      restoreMs: performance.now() - startedMs,
      snapshotBytes,
    };
  }

  /** Makes the index hold exactly the labels that have rows: adds the missing, drops the extra. */
  async reconcile(): Promise<void> {
    await this.#exclusive(async () => {
      const stored = new Set(await repo.vectorLabels(this.modelId));
      const extra = [...this.index.labels()].filter((l) => !stored.has(l));
      this.index.remove(extra);
      const missing = [...stored].filter((l) => !this.index.has(l));
      for (let i = 0; i < missing.length; i += pageSize) {
        const rows = await repo.vectorsByLabels(this.modelId, missing.slice(i, i + pageSize));
        const { labels, vectors } = unpackRows(rows, this.dimensions);
        this.index.add(labels, vectors);
      }
      if (extra.length > 0 || missing.length > 0) this.#schedulePersist();
    });
  }

  /**
   * Runs a database write and its index change as one step: no snapshot is taken between them.
   * `run` returns what to add and remove once its transaction committed.
   */
  async write(run: () => Promise<{ add?: repo.VectorRecord[]; remove?: number[] }>): Promise<void> {
    await this.#exclusive(async () => {
      const { add = [], remove = [] } = await run();
      if (remove.length > 0) this.index.remove(remove);
      if (add.length > 0) {
        const { labels, vectors } = unpackRows(add, this.dimensions);
        this.index.add(labels, vectors);
      }
      if (add.length > 0 || remove.length > 0) this.#schedulePersist();
    });
    this.info.size = this.index.size;
  }

  /** Applies a change another tab made (its rows are already committed). */
  async follow(added: number[], removed: number[]): Promise<void> {
    await this.write(async () => ({
      add: await repo.vectorsByLabels(this.modelId, added),
      remove: removed,
    }));
  }

  async #exclusive<T>(run: () => Promise<T>): Promise<T> {
    const turn = this.#lock.then(run);
    this.#lock = turn.catch(() => undefined);
    return turn;
  }

  #schedulePersist(): void {
    clearTimeout(this.#persistTimer);
    this.#dirtySinceMs ||= Date.now();
    const waitMs = Math.min(persistDelayMs, this.#dirtySinceMs + persistMaxWaitMs - Date.now());
    this.#persistTimer = setTimeout(() => void this.persist(), Math.max(0, waitMs));
  }

  /** Saves a snapshot now (also called before the worker is replaced or the index wiped). */
  async persist(): Promise<void> {
    clearTimeout(this.#persistTimer);
    if (!this.#dirtySinceMs) return;
    // A follower keeps its changes unsaved; if it becomes the indexing tab it saves them then.
    if (!this.#mayPersist()) return this.#schedulePersist();
    this.#dirtySinceMs = 0;
    try {
      await this.#exclusive(async () => {
        const generation = await repo.readGeneration(this.modelId);
        const parts = this.index.serialize();
        await saveIndexSnapshot(
          this.modelId,
          {
            kind: this.index.kind,
            dimensions: this.dimensions,
            count: this.index.size,
            generation,
          },
          parts,
        );
        this.info.snapshotBytes = parts.reduce((sum, p) => sum + p.byteLength, 0);
      });
    } catch (error) {
      this.#dirtySinceMs ||= Date.now();
      this.#onError(`The semantic index could not be saved: ${errorMessage(error)}`);
    }
  }

  async drop(): Promise<void> {
    clearTimeout(this.#persistTimer);
    this.#dirtySinceMs = 0;
    await this.#exclusive(() => deleteIndexSnapshot(this.modelId));
    this.index.dispose();
  }
}
