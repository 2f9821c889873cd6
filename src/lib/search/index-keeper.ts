// Keeps the keyword index in step with the vault: restores the snapshot (or builds from scratch),
// reconciles it with IndexedDB, applies every change announced on the vault channel, and saves a
// snapshot a little after the last change rather than on every one.
import { KeywordIndex } from './keyword-index';
import { onVaultChange, type VaultChange } from '../vault/changes';
import { HearthError, errorMessage } from '../errors';
import * as source from '../db/search-source';

/** Bump when the tokenizer or index options change, so older snapshots are rebuilt. */
export const snapshotFormatVersion = 2;
const batchSize = 500;
const persistDelayMs = 2_000;
/** A batch that failed to index is tried again after this pause. */
const retryDelayMs = 5_000;
/** A long import still gets a snapshot now and then. */
const persistMaxWaitMs = 20_000;

export class SearchUnavailableError extends HearthError {
  override name = 'SearchUnavailableError';
}

export interface IndexStatus {
  ready: boolean;
  documentCount: number;
  restoredFromSnapshot: boolean;
  /** From worker start to a searchable, reconciled index. */
  restoreMs: number;
  /** UTF-8 size of the last snapshot saved or restored, 0 if none yet. */
  snapshotBytes: number;
  /** True while changes wait to be saved in a snapshot. */
  persistPending: boolean;
  /** Notes (re-)indexed at start because the snapshot lacked them or had an older version. */
  reindexedOnStart: number;
}

export interface IndexKeeperEvents {
  status: (status: IndexStatus) => void;
  error: (message: string) => void;
}

const yieldToEvents = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
const utf8Bytes = (text: string) => new TextEncoder().encode(text).byteLength;

export class IndexKeeper {
  index = KeywordIndex.create();
  #status: IndexStatus = {
    ready: false,
    documentCount: 0,
    restoredFromSnapshot: false,
    restoreMs: 0,
    snapshotBytes: 0,
    persistPending: false,
    reindexedOnStart: 0,
  };
  #watermark = 0;
  #atWatermark = new Set<string>();
  #pending = new Set<string>();
  #resetRequested = false;
  #draining: Promise<void> | undefined;
  /** Set while a batch failed: its ids wait for a retry and no snapshot may claim them indexed. */
  #failing = false;
  #persistTimer: ReturnType<typeof setTimeout> | undefined;
  #dirtySinceMs = 0;
  #events: IndexKeeperEvents;
  #unsubscribe: () => void;
  /** Settles once the index is searchable, or `loadError` says why it never will be. */
  readonly ready: Promise<void>;
  loadError: SearchUnavailableError | undefined;

  constructor(events: IndexKeeperEvents) {
    this.#events = events;
    this.#unsubscribe = onVaultChange((change) => this.#onChange(change));
    const startedMs = performance.now();
    this.ready = this.#load().then(
      () => this.#update({ ready: true, restoreMs: performance.now() - startedMs }),
      (error: unknown) => {
        this.loadError = new SearchUnavailableError(
          `Search is unavailable: the notes could not be read (${errorMessage(error)}).`,
          { cause: error },
        );
        this.#events.error(this.loadError.message);
      },
    );
  }

  get status(): IndexStatus {
    return { ...this.#status, documentCount: this.index.documentCount };
  }

  /** Resolves once every change received so far is in the index. */
  async settled(): Promise<void> {
    await this.ready;
    while (this.#draining) await this.#draining;
  }

  /** Stops following the vault; a pending snapshot is written first. */
  async dispose(): Promise<void> {
    this.#unsubscribe();
    await this.#draining;
    if (this.#status.persistPending) {
      clearTimeout(this.#persistTimer);
      await this.#persist();
    }
  }

  async rebuild(): Promise<void> {
    await this.ready;
    this.index.clear();
    this.#resetWatermark();
    await this.#indexIds(await source.liveNoteIds());
    this.#schedulePersist();
  }

  async #load(): Promise<void> {
    const snapshot = await source.loadSearchSnapshot();
    if (snapshot?.formatVersion === snapshotFormatVersion) {
      try {
        this.index = await KeywordIndex.restore(snapshot.index);
        this.#watermark = snapshot.watermark;
        this.#atWatermark = new Set(snapshot.watermarkIds);
        this.#status.restoredFromSnapshot = true;
        this.#status.snapshotBytes = utf8Bytes(snapshot.index);
      } catch (error) {
        this.#events.error(
          `The saved search index was unreadable and is being rebuilt: ${errorMessage(error)}`,
        );
        this.index = KeywordIndex.create();
      }
    }
    // Trash and restore do not touch updatedAt, so membership is checked against all live ids.
    const [live, written] = await Promise.all([
      source.liveNoteIds(),
      source.noteIdsWrittenSince(this.#watermark),
    ]);
    const changed = [...written.after, ...written.at.filter((id) => !this.#atWatermark.has(id))];
    const liveSet = new Set(live);
    const indexed = new Set(this.index.ids());
    const gone = [...indexed].filter((id) => !liveSet.has(id));
    const stale = new Set([
      ...changed.filter((id) => liveSet.has(id)),
      ...live.filter((id) => !indexed.has(id)),
    ]);
    this.index.remove(gone);
    this.#status.reindexedOnStart = stale.size;
    await this.#indexIds([...stale]);
    if (gone.length > 0 || stale.size > 0) this.#schedulePersist();
  }

  /** Re-reads the given notes and indexes the live ones, in batches that let searches through. */
  async #indexIds(ids: string[]): Promise<void> {
    for (let i = 0; i < ids.length; i += batchSize) {
      const batch = ids.slice(i, i + batchSize);
      const notes = await source.readNotesForIndex(batch);
      const live = notes.filter((n) => n.deletedAt === 0);
      const liveIds = new Set(live.map((n) => n.id));
      this.index.remove(batch.filter((id) => !liveIds.has(id)));
      this.index.upsert(live);
      for (const note of notes) this.#advanceWatermark(note.id, note.updatedAt);
      if (i + batchSize < ids.length) await yieldToEvents();
    }
  }

  #advanceWatermark(id: string, updatedAt: number): void {
    if (updatedAt > this.#watermark) {
      this.#watermark = updatedAt;
      this.#atWatermark.clear();
    }
    if (updatedAt === this.#watermark) this.#atWatermark.add(id);
  }

  #resetWatermark(): void {
    this.#watermark = 0;
    this.#atWatermark.clear();
  }

  #onChange(change: VaultChange): void {
    if (change.type === 'vault-reset') {
      this.#resetRequested = true;
      this.#pending.clear();
    } else for (const id of change.ids) this.#pending.add(id);
    this.#kick();
  }

  #kick(): void {
    if (this.#draining) return;
    this.#draining = this.#drain().finally(() => {
      this.#draining = undefined;
      if (!this.#failing && (this.#resetRequested || this.#pending.size > 0)) this.#kick();
    });
  }

  async #drain(): Promise<void> {
    try {
      await this.ready;
      if (this.loadError) {
        this.#pending.clear();
        this.#resetRequested = false;
        return;
      }
      while (this.#resetRequested || this.#pending.size > 0) {
        if (this.#resetRequested) {
          this.#resetRequested = false;
          this.index.clear();
          this.#resetWatermark();
        }
        const ids = [...this.#pending].slice(0, batchSize);
        for (const id of ids) this.#pending.delete(id);
        try {
          await this.#indexIds(ids);
        } catch (error) {
          for (const id of ids) this.#pending.add(id);
          this.#failing = true;
          setTimeout(() => {
            this.#failing = false;
            this.#kick();
          }, retryDelayMs);
          throw error;
        }
        this.#schedulePersist();
        this.#update({});
      }
    } catch (error) {
      this.#events.error(`The search index could not follow a change: ${errorMessage(error)}`);
    }
  }

  #schedulePersist(): void {
    clearTimeout(this.#persistTimer);
    this.#dirtySinceMs ||= Date.now();
    const waitMs = Math.min(persistDelayMs, this.#dirtySinceMs + persistMaxWaitMs - Date.now());
    this.#persistTimer = setTimeout(() => void this.#persist(), Math.max(0, waitMs));
    this.#status.persistPending = true;
  }

  async #persist(): Promise<void> {
    if (this.#failing) return this.#schedulePersist();
    this.#dirtySinceMs = 0;
    // Serialized in one synchronous step, so index and watermark always agree.
    const index = this.index.serialize();
    const snapshot: source.SearchSnapshot = {
      formatVersion: snapshotFormatVersion,
      index,
      watermark: this.#watermark,
      watermarkIds: [...this.#atWatermark],
    };
    try {
      await source.saveSearchSnapshot(snapshot);
      this.#update({ snapshotBytes: utf8Bytes(index), persistPending: this.#dirtySinceMs > 0 });
    } catch (error) {
      this.#events.error(errorMessage(error));
    }
  }

  #update(patch: Partial<IndexStatus>): void {
    Object.assign(this.#status, patch);
    this.#events.status(this.status);
  }
}
