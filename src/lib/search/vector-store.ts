// One embedding model's vector index in memory, kept equal to its rows in IndexedDB: restored from
// the saved snapshot (or built from the rows), reconciled with the rows when the snapshot is older,
// and saved again a while after the last change. Writes and snapshots take turns through one lock,
// so a snapshot's generation always names exactly the rows it contains. An approximate index checks
// its own recall after a build, after a restore and after every 10 % of change, in the background
// (recall-check.ts); the store also knows which note each vector belongs to, for filters.
import type { VectorIndex } from './vector-index';
import type { RecallReport } from './recall-report';
import { LabelNotes, noteOfChunk } from './label-notes';
import { indexFactories, defaultIndexKind, type IndexKind } from './index-registry';
import { dequantizeInt8 } from './quantize';
import * as repo from '../db/memory-repo';
import { deleteIndexSnapshot, loadIndexSnapshot, saveIndexSnapshot } from '../db/index-blocks-repo';
import { errorMessage } from '../errors';
import { quietDelay } from './quiet-delay';

const pageSize = 2_000;
const persistDelayMs = 3_000;
const persistMaxWaitMs = 30_000;
/**
 * A recall check made due by writes waits, like the snapshot, until they pause: indexing with a
 * fast model grows the index by 10 % (a check's trigger) every few batches, and checks back to back
 * took more of the indexing worker's time than the indexing itself.
 */
const checkDelayMs = 3_000;
const checkMaxWaitMs = 30_000;

export interface VectorStoreInfo {
  modelId: string;
  kind: string;
  size: number;
  restoredFromSnapshot: boolean;
  restoreMs: number;
  snapshotBytes: number;
  /** The index's last recall self-check (null for exact indexes, or before the first). */
  recall: RecallReport | null;
}

export interface VectorStoreOptions {
  onError: (message: string) => void;
  /** False in tabs that only follow another tab's writes. */
  mayPersist?: () => boolean;
  /** After each recall self-check. */
  onCheck?: (report: RecallReport) => void;
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
  /** The note of every label in the index. */
  readonly labelNotes = new LabelNotes();
  #lock: Promise<unknown> = Promise.resolve();
  #persistTimer: ReturnType<typeof setTimeout> | undefined;
  #dirtySinceMs = 0;
  #checkTimer: ReturnType<typeof setTimeout> | undefined;
  #checkDueSinceMs = 0;
  #options: VectorStoreOptions;
  #checking: Promise<void> | undefined;
  /** Set by `dispose`: nothing is saved or checked afterwards (an empty index must never be saved). */
  #disposed = false;

  private constructor(modelId: string, dimensions: number, options: VectorStoreOptions) {
    this.modelId = modelId;
    this.dimensions = dimensions;
    this.#options = options;
  }

  get #onError(): (message: string) => void {
    return this.#options.onError;
  }

  #mayPersist(): boolean {
    return this.#options.mayPersist?.() ?? true;
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
        for (const row of rows)
          this.labelNotes.set(row.label, noteOfChunk(this.modelId, row.chunkId));
        await yieldToEvents();
      });
      if (this.index.size > 0) this.#schedulePersist();
    } else {
      // The saved note of each label holds while the rows are those the snapshot covers.
      if (snapshot!.labelNotes?.labels.length === this.index.size)
        this.labelNotes.load(snapshot!.labelNotes);
      await this.reconcile(snapshot!.header.generation);
    }
    this.info = {
      modelId: this.modelId,
      kind: this.index.kind,
      size: this.index.size,
      restoredFromSnapshot: restored,
      restoreMs: performance.now() - startedMs,
      snapshotBytes,
      recall: this.index.recall ?? null,
    };
    // At build and at restore: the check runs whatever is due.
    this.#scheduleCheck(true);
  }

  /**
   * Makes the index hold exactly the labels that have rows: adds the missing, drops the extra
   * (skipped when the snapshot's `generation` is the rows' own), and re-reads which note each is
   * of (unless the snapshot's copy is current).
   */
  async reconcile(generation?: number): Promise<void> {
    await this.#exclusive(async () => {
      const current = generation === (await repo.readGeneration(this.modelId));
      if (current && this.labelNotes.size === this.index.size) return;
      const { labels, chunkIds } = await repo.vectorLabelChunks(this.modelId);
      this.labelNotes.clear();
      labels.forEach((l, i) => this.labelNotes.set(l, noteOfChunk(this.modelId, chunkIds[i]!)));
      if (current) return;
      const stored = new Set(labels);
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
      for (const label of remove) this.labelNotes.delete(label);
      if (add.length > 0) {
        const { labels, vectors } = unpackRows(add, this.dimensions);
        this.index.add(labels, vectors);
      }
      for (const row of add) this.labelNotes.set(row.label, noteOfChunk(this.modelId, row.chunkId));
      if (add.length > 0 || remove.length > 0) this.#schedulePersist();
    });
    this.info.size = this.index.size;
    this.#checkLater();
  }

  /** A check due after writes, started once they pause (at most `checkMaxWaitMs` after it fell due). */
  #checkLater(): void {
    if (this.#disposed || this.#checking || !this.index.checkDue?.()) return;
    clearTimeout(this.#checkTimer);
    this.#checkDueSinceMs ||= Date.now();
    const waitMs = quietDelay(this.#checkDueSinceMs, checkDelayMs, checkMaxWaitMs);
    this.#checkTimer = setTimeout(() => this.#checkNow(), waitMs);
  }

  #checkNow(): void {
    clearTimeout(this.#checkTimer);
    this.#checkTimer = undefined;
    this.#checkDueSinceMs = 0;
    this.#scheduleCheck();
  }

  /**
   * Runs the index's recall self-check in the background when due (or `force`d): one at a time,
   * pausing between samples so searches and writes go on; the result is saved with the snapshot.
   */
  #scheduleCheck(force = false): void {
    const index = this.index;
    if (!index.checkRecall || this.#checking || this.#disposed || index.size === 0) return;
    if (!force && !index.checkDue?.()) return;
    const before = index.recall ?? null;
    this.#checking = (async () => {
      try {
        const report = await index.checkRecall!(yieldToEvents);
        if (this.#disposed || this.index !== index) return;
        this.info.recall = report;
        // Saved when the width or the sample's truths changed: a restore that found its sample
        // current and kept its width rewrites nothing.
        if (!before || report.level !== before.level || report.rescanned > 0)
          this.#schedulePersist();
        this.#options.onCheck?.(report);
      } catch (error) {
        this.#onError(`The semantic index could not check its recall: ${errorMessage(error)}`);
      } finally {
        this.#checking = undefined;
      }
      // Changes made while it ran: checked once writes pause again.
      if (!this.#disposed && this.index === index) this.#checkLater();
    })();
  }

  /**
   * A user's query embedding, for the recall check (memory only); the check runs again once
   * enough queries were seen.
   */
  noteQuery(vector: Float32Array): void {
    if (this.#disposed || !this.index.noteQuery) return;
    this.index.noteQuery(vector);
    this.#scheduleCheck();
  }

  /** Runs a check waiting for writes to pause now, and resolves when none is running (tests). */
  async checked(): Promise<void> {
    if (this.#checkTimer !== undefined) this.#checkNow();
    while (this.#checking) {
      await this.#checking;
      if (this.#checkTimer !== undefined) this.#checkNow();
    }
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
    if (this.#disposed) return;
    clearTimeout(this.#persistTimer);
    this.#dirtySinceMs ||= Date.now();
    const waitMs = quietDelay(this.#dirtySinceMs, persistDelayMs, persistMaxWaitMs);
    this.#persistTimer = setTimeout(() => void this.persist(), waitMs);
  }

  /** Saves a snapshot now (also called before the worker is replaced or the index wiped). */
  async persist(): Promise<void> {
    clearTimeout(this.#persistTimer);
    if (!this.#dirtySinceMs || this.#disposed) return;
    // A follower keeps its changes unsaved; if it becomes the indexing tab it saves them then.
    if (!this.#mayPersist()) {
      this.#persistTimer = setTimeout(() => void this.persist(), persistDelayMs);
      return;
    }
    this.#dirtySinceMs = 0;
    try {
      await this.#exclusive(async () => {
        const generation = await repo.readGeneration(this.modelId);
        if (this.#disposed) return;
        const parts = this.index.serialize();
        const saved = await saveIndexSnapshot(
          this.modelId,
          {
            kind: this.index.kind,
            dimensions: this.dimensions,
            count: this.index.size,
            generation,
          },
          parts,
          this.labelNotes.toSaved(),
          true,
        );
        if (saved) this.info.snapshotBytes = parts.reduce((sum, p) => sum + p.byteLength, 0);
        return saved;
      }).then((saved) => {
        // Rows changed elsewhere meanwhile (a restore): take them in first; that saves again.
        if (saved === null && !this.#disposed) void this.reconcile();
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
    this.dispose();
  }

  /** Frees the index (a running check stops at its next pause). */
  dispose(): void {
    this.#disposed = true;
    clearTimeout(this.#persistTimer);
    clearTimeout(this.#checkTimer);
    this.index.dispose();
    this.labelNotes.clear();
  }
}
