// Keeps the keyword index in step with the vault: restores the snapshot (or starts empty) and
// reconciles it with IndexedDB (keyword-snapshot.ts), applies every change announced on the vault
// channel, and saves a snapshot a little after the last change rather than on every one.
//
// The index is searchable as soon as the snapshot's terms and notes are read; its postings are
// read in parts after that (term-base.ts), a search reading first any part it needs. Until then
// the search handlers answer from the notes' titles (restore-scan.ts). Notes that still wait to be
// indexed (a large import, a first start) are indexed in the background in slices of a few
// milliseconds, so a search is never queued behind more than one slice, and answers from what is
// indexed so far while `status` says how much that is.
import { KeywordIndex } from './keyword-index';
import { onVaultChange, type VaultChange } from '../vault/changes';
import { HearthError, errorMessage } from '../errors';
import * as source from '../db/search-source';
import { TimeSlicer } from './time-slice';
import { quietDelay } from './quiet-delay';
import { Watermark } from './watermark';
import {
  checkRestoredIndex,
  compareIds,
  openKeywordIndex,
  saveKeywordSnapshot,
  type CheckedIndex,
  type OpenedIndex,
  type RestoreCheck,
} from './keyword-snapshot';
import type { IndexKeeperEvents, IndexStatus } from './keeper-status';

/** Notes read from IndexedDB at a time; the next batch is read while this one is indexed. */
const readBatchSize = 48;
/** Longest stretch of indexing between two chances for a search to run. */
const sliceMs = 8;
const persistDelayMs = 2_000;
/** A batch that failed to index is tried again after this pause. */
const retryDelayMs = 5_000;
/**
 * A long catch-up still gets a snapshot now and then, but rarely: serializing a large index and
 * writing tens of MB to IndexedDB slow the catch-up and the searches meanwhile. The notes still
 * waiting are listed in it, so a restart from it misses nothing.
 */
const persistMaxWaitMs = 120_000;
/** Progress is announced at most this often while indexing. */
const statusEveryMs = 250;

export class SearchUnavailableError extends HearthError {
  override name = 'SearchUnavailableError';
}

/** Set only by tests (before the worker's code runs), to search while a restore or check is held. */
const testHold = (step: 'Restore' | 'Check') =>
  (globalThis as { [hold: `__hearthHold${string}`]: Promise<void> | undefined })[
    `__hearthHold${step}`
  ];

export class IndexKeeper {
  index = KeywordIndex.create();
  #base = {
    ready: false,
    checking: false,
    restoredFromSnapshot: false,
    restoreMs: 0,
    checkedMs: 0,
    restorePhases: { readMs: 0, openMs: 0, reconcileMs: 0 },
    snapshotBytes: 0,
    persistPending: false,
    reindexedOnStart: 0,
    restoreCheck: 'none' as RestoreCheck,
  };
  #watermark = new Watermark();
  /** The newest trash time among notes read: see restore-check.ts. */
  #deletedMark = 0;
  /** The tag rules the vault followed when this keeper loaded (keyword-snapshot.ts). */
  #tagsVersion = 0;
  /** Notes to (re-)index, and those read and being indexed right now. */
  #pending = new Set<string>();
  #inFlight = new Set<string>();
  /** The next batch, read from IndexedDB while the current one is indexed. */
  #ahead: { ids: Set<string>; notes: Promise<source.NoteForIndex[]> } | undefined;
  #resetRequested = false;
  #running: Promise<void> | undefined;
  /** Set while a batch failed: its ids wait for a retry and no snapshot may claim them indexed. */
  #failing = false;
  #persistDue = false;
  #persistTimer: ReturnType<typeof setTimeout> | undefined;
  #disposed = false;
  #dirtySinceMs = 0;
  #lastStatusMs = 0;
  #slicer = new TimeSlicer(sliceMs);
  #events: IndexKeeperEvents;
  #unsubscribe: () => void;
  /** Settles once the index is searchable, or `loadError` says why it never will be. */
  readonly ready: Promise<void>;
  /** Settles once a restored index has read all its postings parts (or was rebuilt). */
  #partsRead: Promise<void> = Promise.resolve();
  /**
   * Settles once a restored index has been checked for changes made while no index was
   * listening and, after a check trusted on counts, has also compared the notes' ids.
   */
  #checked: Promise<void> = Promise.resolve();
  /** Set by a restore trusted on counts: what the comparison by ids after it must not repeat. */
  #toVerify: { watermark: Watermark; queued: Set<string> } | undefined;
  loadError: SearchUnavailableError | undefined;

  constructor(events: IndexKeeperEvents) {
    this.#events = events;
    this.#unsubscribe = onVaultChange((change) => this.#onChange(change));
    const startedMs = performance.now();
    this.ready = this.#load().then(
      (opened) => {
        this.#base.ready = true;
        this.#base.restoreMs = performance.now() - startedMs;
        this.#emitStatus();
        this.#checked = this.#check(opened, startedMs);
        this.#partsRead = this.#readParts();
      },
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
    let waitingIndexed = 0;
    let waitingNew = 0;
    for (const set of [this.#pending, this.#inFlight])
      for (const id of set)
        if (this.index.has(id)) waitingIndexed++;
        else waitingNew++;
    const documentCount = this.index.documentCount;
    return {
      ...this.#base,
      documentCount,
      indexedCount: documentCount - waitingIndexed,
      noteCount: documentCount + waitingNew,
      indexing: this.#resetRequested || waitingIndexed + waitingNew > 0,
    };
  }

  /** Resolves once every change received so far is in the index. */
  async settled(): Promise<void> {
    await this.ready;
    await this.#partsRead;
    await this.#checked;
    while (this.#running) await this.#running;
  }

  /** Stops following the vault; a pending snapshot is written first. */
  async dispose(): Promise<void> {
    this.#unsubscribe();
    // A loop still running arms the snapshot timer again after each batch: left armed, it would
    // write this keeper's index after the one below, over whatever a later keeper saved since.
    this.#disposed = true;
    clearTimeout(this.#persistTimer);
    await this.settled();
    if (this.#base.persistPending && !this.loadError) await this.#persist();
  }

  async rebuild(): Promise<void> {
    await this.ready;
    const live = await source.liveNoteIds();
    this.#resetRequested = true;
    this.#pending = new Set(live);
    this.#kick();
    await this.settled();
  }

  /**
   * The index, searchable. A restored one is checked against the vault after this (`#check`),
   * while searches are answered and say so; one started empty has nothing to answer from, so it
   * learns which notes to index before it is called ready.
   */
  async #load(): Promise<OpenedIndex | undefined> {
    await testHold('Restore');
    const opened = await openKeywordIndex((message) => this.#events.error(message));
    this.index = opened.index;
    this.#watermark = opened.watermark;
    this.#tagsVersion = opened.tagsVersion;
    Object.assign(this.#base, {
      restoredFromSnapshot: opened.restoredFromSnapshot,
      snapshotBytes: opened.snapshotBytes,
      restorePhases: { ...opened.phases, reconcileMs: 0 },
    });
    if (opened.restoredFromSnapshot) {
      this.#base.checking = true;
      return opened;
    }
    this.#takeCheck(await checkRestoredIndex(opened));
    return undefined;
  }

  /**
   * Checks a restored index for what changed while no index was listening, then lets indexing
   * start. Until then changes wait in `#pending`: the check reads the watermark the loop moves.
   * A failed check (IndexedDB refused a read) is tried again; searches keep their answers.
   */
  async #check(opened: OpenedIndex | undefined, startedMs: number): Promise<void> {
    if (opened) {
      await testHold('Check');
      for (;;) {
        try {
          this.#takeCheck(await checkRestoredIndex(opened));
          break;
        } catch (error) {
          this.#events.error(
            `The search index could not check for notes changed since the last start: ${errorMessage(error)}`,
          );
          await new Promise((resolve) => setTimeout(resolve, retryDelayMs));
          if (this.#disposed) return;
        }
      }
      this.#base.checking = false;
      this.#base.checkedMs = performance.now() - startedMs;
      this.#emitStatus();
    } else {
      this.#base.checkedMs = this.#base.restoreMs;
    }
    this.#kick();
    await this.#verify();
  }

  #takeCheck(checked: CheckedIndex): void {
    this.#watermark = checked.watermark;
    if (checked.unreadable) {
      // Every live note is in `stale`: the index is built again from them.
      this.#events.error(
        'The saved search index was replaced (by another tab) while it was read, and is being rebuilt.',
      );
      this.index = KeywordIndex.create();
      this.#base.restoredFromSnapshot = false;
    }
    this.#deletedMark = checked.deletedMark;
    this.#toVerify = checked.toVerify;
    this.#base.restoreCheck = checked.restoreCheck;
    this.#base.restorePhases.reconcileMs = checked.reconcileMs;
    this.#base.reindexedOnStart = checked.stale.size;
    for (const id of checked.stale) this.#pending.add(id);
    if (checked.saveSoon) this.#schedulePersist();
  }

  /**
   * After a restore trusted on counts, the ids are compared all the same, with the index already
   * searchable: changes that cancel out in the counts (a note restored from the trash while
   * another was deleted for good) are queued like any change, and counted as re-indexed.
   */
  async #verify(): Promise<void> {
    const check = this.#toVerify;
    this.#toVerify = undefined;
    if (!check) return;
    let found: Awaited<ReturnType<typeof compareIds>>;
    try {
      found = await compareIds(this.index, check.watermark, []);
      this.#deletedMark = Math.max(this.#deletedMark, found.newestDeletedAt);
    } catch (error) {
      this.#events.error(`The search index could not check the notes: ${errorMessage(error)}`);
      return;
    }
    const missed = [...found.stale, ...found.gone].filter(
      (id) => !check.queued.has(id) && !this.#pending.has(id) && !this.#inFlight.has(id),
    );
    if (missed.length === 0) return;
    this.#base.reindexedOnStart += missed.length;
    // Queued, not removed here: the loop reads them, indexes the live and drops the others.
    for (const id of missed) this.#pending.add(id);
    this.#kick();
  }

  /**
   * Reads the restored index's postings parts in the background (searches read the ones they
   * need first). A part that is missing or damaged means the snapshot cannot be trusted: the
   * index is rebuilt from the notes, as when the whole snapshot is unreadable.
   */
  async #readParts(): Promise<void> {
    const index = this.index;
    try {
      await index.loadAll();
    } catch (error) {
      if (index !== this.index) return;
      this.#events.error(
        `The saved search index was unreadable and is being rebuilt: ${errorMessage(error)}`,
      );
      this.#base.restoredFromSnapshot = false;
      this.index = KeywordIndex.create();
      this.#watermark = new Watermark();
      this.#resetRequested = true;
      for (const id of await source.liveNoteIds()) this.#pending.add(id);
      this.#kick();
    }
  }

  #onChange(change: VaultChange): void {
    if (change.type === 'vault-reset') {
      this.#resetRequested = true;
      this.#pending.clear();
      this.#ahead = undefined;
    } else {
      // A note read ahead may have been read before this change: read it again.
      if (change.ids.some((id) => this.#ahead?.ids.has(id))) this.#ahead = undefined;
      for (const id of change.ids) this.#pending.add(id);
    }
    if (this.#base.ready) this.#kick();
  }

  #kick(): void {
    if (this.#running || this.#failing || this.loadError || this.#base.checking) return;
    this.#running = this.#loop().finally(() => {
      this.#running = undefined;
      if (this.#hasWork()) this.#kick();
    });
  }

  #hasWork(): boolean {
    return !this.#failing && (this.#resetRequested || this.#pending.size > 0 || this.#persistDue);
  }

  /** Indexes what waits and writes snapshots when due: the only code that changes the index. */
  async #loop(): Promise<void> {
    while (this.#hasWork()) {
      if (this.#resetRequested) {
        this.#resetRequested = false;
        this.#ahead = undefined;
        this.index.clear();
        this.#watermark = new Watermark();
      }
      if (this.#persistDue) {
        this.#persistDue = false;
        await this.#persist();
        continue;
      }
      const batch = [...this.#pending].slice(0, readBatchSize);
      if (batch.length === 0) continue;
      for (const id of batch) {
        this.#pending.delete(id);
        this.#inFlight.add(id);
      }
      try {
        const notes = await this.#read(batch);
        this.#readAhead();
        await this.#indexBatch(batch, notes);
      } catch (error) {
        this.#retryLater(batch, error);
        return;
      } finally {
        this.#inFlight.clear();
      }
      this.#schedulePersist();
      if (performance.now() - this.#lastStatusMs >= statusEveryMs) this.#emitStatus();
    }
    this.#emitStatus();
  }

  /** The notes of `batch`: from the read-ahead when it holds them all, else read now. */
  async #read(batch: string[]): Promise<source.NoteForIndex[]> {
    const ahead = this.#ahead;
    this.#ahead = undefined;
    if (ahead && batch.every((id) => ahead.ids.has(id))) {
      const wanted = new Set(batch);
      return (await ahead.notes).filter((n) => wanted.has(n.id));
    }
    return source.readNotesForIndex(batch);
  }

  #readAhead(): void {
    const ids = [...this.#pending].slice(0, readBatchSize);
    if (ids.length === 0) return;
    const notes = source.readNotesForIndex(ids);
    notes.catch(() => undefined); // Seen (and retried) when the batch is taken.
    this.#ahead = { ids: new Set(ids), notes };
  }

  async #indexBatch(batch: string[], notes: source.NoteForIndex[]): Promise<void> {
    const liveIds = new Set(notes.filter((n) => n.deletedAt === 0).map((n) => n.id));
    this.index.remove(batch.filter((id) => !liveIds.has(id)));
    for (const note of notes) {
      if (note.deletedAt === 0) {
        const job = this.index.begin(note);
        while (!job.step(this.#slicer.deadline)) await this.#slicer.pause();
        this.#events.indexed?.(note.id, job.body);
      }
      this.#watermark.advance(note.id, note.updatedAt);
      this.#deletedMark = Math.max(this.#deletedMark, note.deletedAt);
      this.#inFlight.delete(note.id);
      await this.#slicer.pause();
    }
    if (this.index.needsCompaction) await this.index.compact(this.#slicer.pause);
  }

  #retryLater(batch: string[], error: unknown): void {
    for (const id of batch) this.#pending.add(id);
    this.#failing = true;
    this.#events.error(`The search index could not follow a change: ${errorMessage(error)}`);
    setTimeout(() => {
      this.#failing = false;
      this.#kick();
    }, retryDelayMs);
  }

  #schedulePersist(): void {
    this.#base.persistPending = true;
    if (this.#disposed) return; // dispose() writes it.
    clearTimeout(this.#persistTimer);
    this.#dirtySinceMs ||= Date.now();
    const waitMs = quietDelay(this.#dirtySinceMs, persistDelayMs, persistMaxWaitMs);
    this.#persistTimer = setTimeout(() => {
      this.#persistDue = true;
      this.#kick();
    }, waitMs);
  }

  async #persist(): Promise<void> {
    if (this.#failing) return this.#schedulePersist();
    this.#dirtySinceMs = 0;
    // Only the loop changes the index, and it waits here: index, watermark and the waiting ids
    // agree even though serializing pauses for searches.
    const marks = {
      watermark: this.#watermark.copy(),
      pendingIds: [...this.#pending, ...this.#inFlight],
      tagsVersion: this.#tagsVersion,
      deletedMark: this.#deletedMark,
    };
    try {
      const sizeBytes = await saveKeywordSnapshot(this.index, marks, this.#slicer.pause);
      this.#base.snapshotBytes = sizeBytes;
      this.#base.persistPending = this.#dirtySinceMs > 0;
      this.#emitStatus();
    } catch (error) {
      this.#events.error(errorMessage(error));
    }
  }

  #emitStatus(): void {
    this.#lastStatusMs = performance.now();
    this.#events.status(this.status);
  }
}
