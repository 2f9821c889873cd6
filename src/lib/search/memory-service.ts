// The memory worker's brain: which embedding model serves searches and which is being indexed,
// their embedders and vector stores, and whether this tab indexes. One tab per origin indexes
// (a Web Lock decides); the others restore the same index and follow its writes.
import type { InstalledModel, TransformersSpec } from '../llm/types';
import type { TextEmbedder } from './embedding-types';
import { ModelSlots, type Slot } from './model-slots';
import { Indexer, type IndexProgress } from './indexer';
import type { MemoryModel, MemoryStatus } from './memory-types';
import * as repo from '../db/memory-repo';
import { listInstalledModels, readSetting, writeSetting } from '../db/models-repo';
import { onVaultChange, type VaultChange } from '../vault/changes';
import { errorMessage } from '../errors';
import { MemoryChannel, type MemoryMessage } from './memory-channel';
import { NoteCatalog } from './note-catalog';
import { chooseEmbedder, embedderSignature, installedEmbedders } from './embedder-choice';

export const TARGET_SETTING = 'memory.model';
export const SERVING_SETTING = 'memory.serving';
export const PAUSED_SETTING = 'memory.paused';

export interface MemoryServiceDeps {
  loadEmbedder(spec: TransformersSpec): Promise<TextEmbedder>;
  /** True while every file the model's record lists is stored (checked without reading them). */
  filesPresent(model: InstalledModel): Promise<boolean>;
  /** The catalog's default for this device, used when the user has not chosen. */
  preferredModel(models: InstalledModel[]): string | null;
  onStatus(status: MemoryStatus): void;
  onChanged(modelId: string): void;
  /** Calls `onAcquired` when this context may index (a Web Lock, or at once in tests), and
   * `onLost` when another context took over. */
  acquireWriterLock(onAcquired: () => void, onLost: () => void): void;
}

export class MemoryService {
  #deps: MemoryServiceDeps;
  #slots: ModelSlots;
  #indexer: Indexer | undefined;
  #writer = false;
  #channel: MemoryChannel;
  #configuring: Promise<void> = Promise.resolve();
  #unsubscribe: () => void;
  /** embedderSignature() of the records the last configuration read. */
  #configuredFrom: string | null = null;
  /** A live read of the records that arrived before any configuration read them. */
  #seenEarly: string | null = null;
  /** Vault changes and progress reports, handled one after another. */
  #changes: Promise<void> = Promise.resolve();
  status: MemoryStatus = {
    phase: 'starting',
    evicted: null,
    servingModel: null,
    targetModel: null,
    models: [],
    writer: false,
    paused: false,
    progress: null,
    chunks: 0,
    vectors: 0,
    indexKind: null,
    restoreMs: null,
    restoredFromSnapshot: false,
    snapshotBytes: 0,
    recall: null,
    device: null,
    threads: null,
    passagesEmbedded: 0,
    error: null,
  };
  /** Every note's filterable metadata, for filters applied before ranking (all tabs keep it). */
  readonly notes = new NoteCatalog();

  constructor(deps: MemoryServiceDeps) {
    this.#deps = deps;
    this.#slots = new ModelSlots(
      (spec) => this.#deps.loadEmbedder(spec),
      (modelId) => ({
        onError: (message) => this.#update({ error: message }),
        // Only the indexing tab saves snapshots: a follower's copy may lag behind the rows.
        mayPersist: () => this.#writer,
        onCheck: (recall) => {
          if (this.status.servingModel === modelId) this.#update({ recall });
        },
      }),
    );
    this.#channel = new MemoryChannel((message) => void this.#onMessage(message));
    this.#unsubscribe = onVaultChange((change) => {
      void this.notes.apply(change);
      // Chained, so `settled()` also waits for changes announced but not yet queued.
      this.#changes = this.#changes
        .then(() => this.#onVaultChange(change))
        .catch((error: unknown) => this.#update({ error: errorMessage(error) }));
    });
    deps.acquireWriterLock(
      () => {
        this.#writer = true;
        void this.reconfigure();
      },
      () => {
        this.#writer = false;
        void this.#stopIndexer().then(() => this.reconfigure());
      },
    );
    void this.reconfigure();
  }

  /** Re-reads installed models and settings, and (re)starts whatever they now call for. */
  reconfigure(): Promise<void> {
    this.#configuring = this.#configuring.then(() =>
      this.#configure().catch((error: unknown) =>
        this.#update({ phase: 'error', error: errorMessage(error) }),
      ),
    );
    return this.#configuring;
  }

  /**
   * Called with every read of the installed models from outside (a live query). Whatever reached
   * the database after the last configuration read it (the Models view finding files gone, a model
   * imported again under the same key) configures again; so does any change while a model is
   * evicted, since its files may be back under an unchanged record (a restore).
   */
  modelsChanged(records: InstalledModel[]): void {
    const seen = embedderSignature(records);
    if (this.#configuredFrom === null) this.#seenEarly = seen;
    else if (seen !== this.#configuredFrom || this.status.phase === 'evicted')
      void this.reconfigure();
  }

  get ready(): Promise<void> {
    return this.#configuring;
  }

  /** The serving model's embedder queue and store, or null when semantic search cannot run. */
  async serving(): Promise<Slot | null> {
    await this.#configuring;
    const key = this.status.servingModel;
    return key ? ((await this.#slots.get(key)) ?? null) : null;
  }

  async #configure(): Promise<void> {
    const records = await listInstalledModels();
    this.#configuredFrom = embedderSignature(records);
    // Which of the two reads came first is unknown: if they differ, read once more after this.
    if (this.#seenEarly !== null && this.#seenEarly !== this.#configuredFrom)
      void this.reconfigure();
    this.#seenEarly = null;
    const installed = installedEmbedders(records);
    const present = new Set<string>();
    for (const model of installed) if (await this.#deps.filesPresent(model)) present.add(model.key);
    const choice = chooseEmbedder({
      installed,
      present,
      chosen: await readSetting<string | null>(TARGET_SETTING, null),
      saved: await readSetting<string | null>(SERVING_SETTING, null),
      preferred: (models) => this.#deps.preferredModel(models),
    });
    const models: MemoryModel[] = installed
      .filter((m) => present.has(m.key))
      .map((m) => ({
        key: m.key,
        name: m.name,
        dimensions: (m.spec as TransformersSpec).embedding!.dimensions,
      }));
    const paused = await readSetting(PAUSED_SETTING, false);
    this.#update({ models, paused, writer: this.#writer });
    if (choice.phase !== 'load') {
      // Nothing to load: the index rows stay, so a model brought back serves them again at once.
      this.#update({
        targetModel: choice.phase === 'evicted' ? choice.target : null,
        servingModel: null,
        evicted: choice.phase === 'evicted' ? choice.evicted : null,
      });
      await this.#stopIndexer();
      await this.#slots.dropExcept([]);
      this.#update({ phase: choice.phase, progress: null, error: null });
      return;
    }
    const { target, serving } = choice;
    this.#update({
      targetModel: target,
      servingModel: serving,
      evicted: null,
      phase: 'loading-model',
      error: null,
    });
    await this.#slots.dropExcept([target, serving]);
    const servingSlot = await this.#loadOrEvicted(serving, installed);
    if (!servingSlot) return;
    const info = servingSlot.store.info;
    this.#update({
      phase: 'ready',
      indexKind: info.kind,
      restoreMs: info.restoreMs,
      restoredFromSnapshot: info.restoredFromSnapshot,
      snapshotBytes: info.snapshotBytes,
      recall: info.recall,
      device: servingSlot.queue.embedder.device,
      threads: servingSlot.queue.embedder.threads,
    });
    if (!this.#writer) return this.#refreshCounts();
    if (this.#indexer?.modelId !== target) {
      await this.#stopIndexer();
      const slot = await this.#loadOrEvicted(target, installed);
      if (!slot) return;
      this.#indexer = new Indexer(
        slot.queue.embedder,
        slot.store,
        {
          embed: (texts) => {
            this.#update({ passagesEmbedded: this.status.passagesEmbedded + texts.length });
            return slot.queue.embed(texts, 'passage');
          },
          onProgress: (progress) => {
            this.#changes = this.#changes
              .then(() => this.#onProgress(progress))
              .catch((error: unknown) => this.#update({ error: errorMessage(error) }));
          },
          onChange: (added, removed) => {
            this.#channel.post({ type: 'vectors', modelId: target, added, removed });
            this.#deps.onChanged(target);
          },
        },
        paused,
      );
      await this.#cleanupOtherModels([target, serving]);
    } else if (paused) this.#indexer.pause();
    else this.#indexer.resume();
    await this.#indexer.syncWithVault();
    await this.#refreshCounts();
  }

  /**
   * The model's slot; null (phase 'evicted') when its load failed because its files went away
   * after they were checked, so the user reads the same notice as at start rather than a hash error.
   */
  async #loadOrEvicted(modelId: string, installed: InstalledModel[]): Promise<Slot | null> {
    const model = installed.find((m) => m.key === modelId)!;
    try {
      return await this.#slots.open(modelId, model.spec as TransformersSpec);
    } catch (error) {
      if (await this.#deps.filesPresent(model)) throw error;
      await this.#stopIndexer();
      await this.#slots.dropExcept([]);
      this.#update({
        phase: 'evicted',
        evicted: { key: model.key, name: model.name, source: model.source },
        targetModel: model.key,
        servingModel: null,
        progress: null,
        error: null,
      });
      return null;
    }
  }

  async #stopIndexer(): Promise<void> {
    const indexer = this.#indexer;
    this.#indexer = undefined;
    await indexer?.stop();
  }

  /** A model no longer installed or chosen leaves nothing behind. */
  async #cleanupOtherModels(keep: string[]): Promise<void> {
    for (const modelId of await repo.modelsWithData())
      if (!keep.includes(modelId)) await repo.wipeModel(modelId);
  }

  async #onProgress(progress: IndexProgress): Promise<void> {
    this.#update({ progress });
    const complete =
      progress.state === 'idle' &&
      progress.notesDone + progress.notesFailed === progress.notesTotal;
    const { targetModel, servingModel } = this.status;
    if (complete && targetModel && progress.modelId === targetModel) {
      // Remember which index is complete: a later switch keeps it serving until the next one is.
      if ((await readSetting<string | null>(SERVING_SETTING, null)) !== targetModel)
        await writeSetting(SERVING_SETTING, targetModel);
      if (servingModel !== targetModel) {
        // The new index is complete: it takes over, and the old one goes.
        this.#channel.post({ type: 'config' });
        await this.reconfigure();
        await this.#cleanupOtherModels([targetModel]);
        return;
      }
    }
    if (progress.state !== 'indexing') await this.#refreshCounts();
  }

  async #refreshCounts(): Promise<void> {
    const key = this.status.servingModel;
    if (!key) return;
    const counts = await repo.countChunks(key);
    this.#update(counts);
  }

  async #onVaultChange(change: VaultChange): Promise<void> {
    // A restore that brought its index wrote the rows already: every tab's open index takes them.
    const restored = change.type === 'vault-reset' ? !!change.indexedBy : !!change.indexed;
    if (!this.#writer && !restored) return;
    await this.#configuring;
    if (change.type === 'vault-reset') {
      if (!change.indexedBy) return this.wipeAndRebuild();
      if (this.#writer) await this.#stopIndexer();
      await this.#reconcileSlots();
      // A new indexer syncs with the vault: only notes without restored rows are queued.
      if (this.#writer) await this.reconfigure();
      return;
    }
    if (change.indexed) await this.#reconcileSlots();
    if (!this.#writer) return;
    const indexed = change.indexed?.modelId === this.#indexer?.modelId ? change.indexed?.ids : [];
    const skip = new Set(indexed);
    await this.#indexer?.queue(change.ids.filter((id) => !skip.has(id)));
  }

  /** Every open index re-reads its model's rows (they were written elsewhere). */
  async #reconcileSlots(): Promise<void> {
    for (const pending of this.#slots.all()) {
      const slot = await pending.catch(() => null);
      if (!slot) continue;
      await slot.store.reconcile();
      this.#deps.onChanged(slot.modelId);
    }
    await this.#refreshCounts();
  }

  async #onMessage(message: MemoryMessage): Promise<void> {
    if (message.type === 'config') {
      // Another tab switched models or wiped: a follower re-reads its indexes from the rows.
      if (!this.#writer) await this.#slots.dropExcept([]);
      return this.reconfigure();
    }
    if (this.#writer) return;
    const pending = this.#slots.get(message.modelId);
    if (!pending) return;
    const slot = await pending;
    await slot.store.follow(message.added, message.removed);
    this.#deps.onChanged(message.modelId);
    await this.#refreshCounts();
  }

  async setModel(key: string | null): Promise<void> {
    await writeSetting(TARGET_SETTING, key);
    this.#channel.post({ type: 'config' });
    await this.reconfigure();
  }

  async setPaused(paused: boolean): Promise<void> {
    await writeSetting(PAUSED_SETTING, paused);
    this.#update({ paused });
    if (!this.#writer) this.#channel.post({ type: 'config' });
    if (paused) this.#indexer?.pause();
    else this.#indexer?.resume();
  }

  /** Forgets every chunk, vector and job, then indexes all notes again from their text. */
  async wipeAndRebuild(): Promise<void> {
    await this.#configuring;
    await this.#stopIndexer();
    await this.#slots.dropExcept([]);
    for (const modelId of await repo.modelsWithData()) await repo.wipeModel(modelId);
    await writeSetting(SERVING_SETTING, null);
    this.#channel.post({ type: 'config' });
    this.#update({ progress: null, chunks: 0, vectors: 0 });
    await this.reconfigure();
  }

  /** Saves every index snapshot that has unsaved changes. */
  async flush(): Promise<void> {
    await this.#configuring;
    for (const pending of this.#slots.all()) await (await pending).store.persist();
  }

  /** Stops indexing and following changes, saving snapshots first; the service is unusable after. */
  async dispose(): Promise<void> {
    this.#unsubscribe();
    this.#channel.close();
    await this.#configuring;
    await this.#stopIndexer();
    await this.#slots.dropExcept([]);
  }

  /** Resolves when the indexer has nothing left to do (tests and benchmarks wait on it). */
  async settled(): Promise<void> {
    await this.#configuring;
    await this.#changes;
    await this.#indexer?.settled();
    // The last progress report may promote the new index, which reconfigures.
    await this.#changes;
    await this.#configuring;
  }

  #update(patch: Partial<MemoryStatus>): void {
    Object.assign(this.status, patch);
    this.#deps.onStatus({ ...this.status });
  }
}
