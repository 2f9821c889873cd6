// One open note: its text, autosave and save status. What the user types is never lost silently:
// - every keystroke goes to an IndexedDB draft at once (storage/drafts.ts), and to the note after
//   a short pause, and both are flushed when the page hides;
// - every save names the version the text was based on, so a note changed elsewhere meanwhile
//   (another tab, an import) is never overwritten blindly: the other text is kept as a conflict
//   copy and the user is told (vault/notes.ts);
// - a failed save stays on screen with Retry; if even the draft cannot be written (a full disk),
//   the editor says that the text now lives only in this tab, and the page warns before closing.
import type { NoteWithContent } from '../types';
import { getNote, observeNote } from '../db/notes-repo';
import { removeDraft } from '../db/drafts-repo';
import {
  createNote,
  renameNote,
  saveContent,
  setTags,
  type SaveOptions,
  type SaveOutcome,
} from '../vault/notes';
import { onVaultChange, type VaultChange } from '../vault/changes';
import type { Recovery } from '../vault/draft-recovery';
import { setFrontmatterFields } from '../vault/frontmatter';
import { DraftWriter } from '../storage/drafts';
import { holdTabLock, tabId } from '../storage/tab-lock';
import { NotFoundError, StorageFullError, errorMessage, isRefusedWrite } from '../errors';
import { settleConflict, type Conflict, type Keep } from './editor-conflicts';
import { reportConflict, reportRecovery, reportPersistence } from './editor-notices';
import { recoverOnOpen } from './note-opening';
import { storageStatus } from './storage.svelte';
import { toasts } from './toasts.svelte';
import { vaultLoss } from './vault-loss.svelte';

export type SaveStatus = 'loading' | 'missing' | 'saved' | 'pending' | 'saving' | 'error';

const saveDelayMs = 400;

export class EditorSession {
  readonly id: string;
  note = $state.raw<NoteWithContent | null>(null);
  content = $state('');
  status = $state<SaveStatus>('loading');
  error = $state<string | null>(null);
  /** Set while the note is deleted for good: Retry cannot help, saving as a new note can. */
  gone = $state(false);
  /** Why the last draft write failed (short, to follow “because”), or null once one lands. */
  draftError = $state<string | null>(null);
  /** True while a draft write is on its way: the backup may not hold the newest text yet. */
  draftWriting = $state(false);
  /** Conflict copies of this editor's text or over it, newest last, until the user settles them. */
  conflicts = $state.raw<Conflict[]>([]);
  /** Why the note could not be opened (status `missing` then), or null. */
  loadError = $state<string | null>(null);
  /** Called whenever every typed character is saved (the sessions registry listens). */
  onSettled: (() => void) | null = null;

  /** The stored version (hash) the text in the editor builds on. */
  #base = '';
  #savedContent = '';
  #loading: Promise<void> | null = null;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #chain: Promise<unknown> = Promise.resolve();
  #stopObserving: () => void = () => {};
  #stopListening: () => void = () => {};
  #closed = false;
  /** A recovered draft of a closed tab the editor holds (its save failed): dropped by the next save. */
  #recovered: string | null = null;
  /** The version this tab saved last: if another tab's save moves it into a copy, say so. */
  #mine: { hash: string; content: string } | null = null;
  /** The copy another tab made of `#mine`, until this tab follows the note. */
  #movedTo: string | null = null;
  readonly #drafts: DraftWriter;
  #onHide = () => {
    this.#drafts.flushNow();
    void this.flush();
  };
  #onVisibility = () => {
    if (document.visibilityState === 'hidden') this.#onHide();
  };

  constructor(id: string) {
    this.id = id;
    this.#drafts = new DraftWriter(
      id,
      (error) => {
        if (error === null) this.draftError = null;
        else this.draftError = isRefusedWrite(error) ? 'the storage is full' : errorMessage(error);
      },
      (busy) => (this.draftWriting = busy),
    );
    holdTabLock();
    addEventListener('pagehide', this.#onHide);
    document.addEventListener('visibilitychange', this.#onVisibility);
  }

  /** Text typed here that the note does not hold yet. */
  get unsaved(): boolean {
    return this.status !== 'loading' && this.status !== 'missing' && this.status !== 'saved';
  }

  /** Unsaved text that is not safe on disk either: a failed save, or a failed draft. */
  get atRisk(): boolean {
    return this.unsaved && (this.status === 'error' || this.draftError !== null);
  }

  load(): Promise<void> {
    this.#loading ??= this.#load().catch((error: unknown) => {
      this.loadError = errorMessage(error);
      this.status = 'missing';
    });
    return this.#loading;
  }

  async #load(): Promise<void> {
    const recovery = await recoverOnOpen(this.id);
    if (this.#closed) return;
    this.#adopt(recovery);
    this.#stopObserving = observeNote(this.id, (meta) => void this.#onExternalChange(meta?.hash));
    this.#stopListening = onVaultChange((change) => this.#onVaultChange(change));
  }

  #adopt({ note, restored, conflicts, unsaved }: Recovery): void {
    if (!note) {
      this.status = 'missing';
      return;
    }
    this.note = note;
    this.#base = note.hash;
    this.content = this.#savedContent = note.content;
    this.status = 'saved';
    if (restored > 0) reportRecovery(note.title, conflicts, (c) => this.#showConflict(c));
    if (unsaved) {
      // Still in the drafts table; held here until a save succeeds, which drops it.
      this.#recovered = unsaved.draft.id;
      this.#base = unsaved.draft.baseHash;
      this.content = unsaved.draft.content;
      this.status = 'error';
      this.error = `Recovered text you typed earlier, but ${errorMessage(unsaved.error)}`;
    }
  }

  /** Another tab or an import changed this note. Without unsaved edits, take its text. */
  async #onExternalChange(hash: string | undefined): Promise<void> {
    if (!hash || hash === this.#base || this.status !== 'saved') return;
    const fresh = await getNote(this.id);
    // Typing began meanwhile: the next save will find the newer version and keep both.
    if (!fresh || this.status !== 'saved' || this.#closed) return;
    this.note = fresh;
    this.#base = fresh.hash;
    this.content = this.#savedContent = fresh.content;
    void this.#reportMoved();
  }

  #onVaultChange(change: VaultChange): void {
    const moved = change.type === 'notes-changed' ? change.moved : undefined;
    // While saving, the move is this tab's own save (or its save will keep both texts itself).
    if (!moved || moved.noteId !== this.id || this.status === 'saving') return;
    if (moved.hash !== this.#mine?.hash) return;
    this.#movedTo = moved.copyId;
    void this.#reportMoved();
  }

  /**
   * Another tab's save moved the text this tab saved into a conflict copy, and the editor followed
   * the note (in either order): show the conflict here too, so the user can compare and settle it.
   */
  async #reportMoved(): Promise<void> {
    const mine = this.#mine;
    const copyId = this.#movedTo;
    if (!mine || !copyId || this.#base === mine.hash) return;
    this.#mine = null;
    this.#movedTo = null;
    const copy = await getNote(copyId);
    if (!copy || this.#closed) return;
    const theirs = this.#savedContent;
    const { id, title, path } = copy;
    this.#showConflict({ id, title, path, theirs, mine: mine.content, mineInCopy: true });
  }

  edit(text: string): void {
    this.content = text;
    this.#drafts.write(text, this.#base);
    this.status = 'pending';
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.flush(), saveDelayMs);
  }

  /** Saves now if anything is unsaved. Writes are chained so they land in order. */
  flush(): Promise<unknown> {
    clearTimeout(this.#timer);
    if (!this.unsaved) return this.#chain;
    if (this.status !== 'saving' && this.content === this.#savedContent) {
      // Typed and undone before the save: nothing to write.
      this.#settle();
      return this.#chain;
    }
    const content = this.content;
    const options = this.#saveOptions();
    return this.#write(content, (base) => saveContent(this.id, content, base, options));
  }

  retry(): Promise<unknown> {
    if (this.status !== 'error') return this.#chain;
    // Writing the draft again tells whether there is room for it now.
    this.#drafts.write(this.content, this.#base);
    return this.flush();
  }

  rename(title: string): Promise<unknown> {
    return this.#editFields({ title }, (content, base, options) =>
      renameNote(this.id, title, content, base, options),
    );
  }

  setTags(tags: string[]): Promise<unknown> {
    return this.#editFields({ tags }, (content, base, options) =>
      setTags(this.id, tags, content, base, options),
    );
  }

  /** The note was deleted for good elsewhere: keep the text as a new note. */
  async saveAsNew(): Promise<string | null> {
    clearTimeout(this.#timer);
    // Clicked with the text focused, the blur has just started a save to the gone note: let it
    // fail first, or its failure lands after this and marks the text unsaved again (the editor
    // then stays on the old note, asking to leave, with the text already saved as the new one).
    await this.#chain.catch(() => undefined);
    const content = this.content;
    try {
      const title = this.note?.title ?? 'Recovered note';
      const note = await createNote(title, '', content);
      this.#savedContent = content;
      // Anything typed meanwhile is not in the new note: it stays unsaved and leaving asks.
      if (this.content === content) this.#settle();
      return note.id;
    } catch (error) {
      this.error = errorMessage(error);
      return null;
    }
  }

  /** Settles a conflict (editor-conflicts.ts says how each choice goes). */
  settle(conflict: Conflict, keep: Keep): Promise<void> {
    return settleConflict(this, conflict, keep, (c) => this.#forget(c));
  }

  #forget(conflict: Conflict): void {
    this.conflicts = this.conflicts.filter((c) => c !== conflict);
  }

  /**
   * Rewrites the frontmatter in the editor first, so text typed while the save runs already
   * carries the new title or tags and the next autosave cannot write the old ones back.
   */
  #editFields(
    fields: Record<string, unknown>,
    save: (content: string, base: string, options: SaveOptions) => Promise<SaveOutcome>,
  ): Promise<unknown> {
    clearTimeout(this.#timer);
    try {
      this.content = setFrontmatterFields(this.content, fields);
    } catch (error) {
      this.status = 'error';
      this.error = errorMessage(error);
      return this.#chain;
    }
    this.#drafts.write(this.content, this.#base);
    const content = this.content;
    const options = this.#saveOptions();
    return this.#write(content, (base) => save(content, base, options));
  }

  /** For a save of the text as it is now: this tab's drafts typed later are rebased onto it. */
  #saveOptions(): SaveOptions {
    const dropDrafts = this.#recovered ? [this.#recovered] : undefined;
    return { tabId, since: Date.now(), dropDrafts };
  }

  #write(content: string, save: (base: string) => Promise<SaveOutcome>): Promise<unknown> {
    this.status = 'saving';
    this.#chain = this.#chain.then(async () => {
      try {
        const { note, conflict } = await save(this.#base);
        this.#saved(content, note);
        if (conflict) this.#showConflict(conflict);
        // Outside the chain: a permission prompt must not hold up later saves.
        void storageStatus.askOnFirstSave().then(
          (asked) => asked && reportPersistence(),
          (error: unknown) =>
            toasts.error(`Couldn't ask for persistent storage: ${errorMessage(error)}`),
        );
      } catch (error) {
        this.status = 'error';
        // Some refusals reach here as the browser's bare AbortError: say what it means.
        const refused = isRefusedWrite(error);
        this.error =
          refused && !(error instanceof StorageFullError)
            ? new StorageFullError('this note', { cause: error }).message
            : errorMessage(error);
        this.gone = error instanceof NotFoundError;
        // A note that vanished under a full disk is most likely the whole database, discarded.
        if (refused || this.gone) void this.#noticeDiscard();
      }
    });
    return this.#chain;
  }

  /**
   * After a refused or missing write: a note missing because the browser discarded the database
   * was not "deleted for good" by anyone; say what happened (the vault-loss notice says the rest).
   */
  async #noticeDiscard(): Promise<void> {
    await vaultLoss.recheck();
    // Typing goes on while the check runs; only the note's latest failed save gets the message.
    if (!vaultLoss.discardedHere || !this.gone || this.status !== 'error') return;
    this.error =
      'The browser discarded all of Hearth’s storage (it does so when it judges the database damaged, as after a full disk), this note with it.';
  }

  /** `sent` is the text the save was given; `note` what it stored. */
  #saved(sent: string, note: NoteWithContent): void {
    this.note = note;
    this.#base = note.hash;
    this.#savedContent = note.content;
    this.#recovered = null;
    this.#mine = { hash: note.hash, content: note.content };
    this.#movedTo = null;
    // The save normalised the text (frontmatter) and nothing was typed since: show what is stored.
    if (this.content === sent) this.content = note.content;
    if (this.content === note.content) this.#settle();
    else {
      // Typed while saving: its draft now builds on the version just saved.
      this.status = 'pending';
      this.error = null;
      this.gone = false;
      this.#drafts.write(this.content, this.#base);
      clearTimeout(this.#timer);
      this.#timer = setTimeout(() => void this.flush(), saveDelayMs);
    }
  }

  /** Every character is in the note: its drafts go (after the draft writes on their way). */
  #settle(): void {
    this.#drafts.clear();
    const recovered = this.#recovered;
    this.#recovered = null;
    // The recovered text was undone or saved as a new note: it must not come back on next open.
    if (recovered)
      removeDraft(recovered).catch((error: unknown) =>
        toasts.error(`Couldn't delete a recovered draft: ${errorMessage(error)}`),
      );
    this.status = 'saved';
    this.error = null;
    this.gone = false;
    this.onSettled?.();
  }

  #showConflict(conflict: Conflict): void {
    this.conflicts = [...this.conflicts, conflict];
    // A copy made by another tab is shown by the banner alone: the user is looking at this note.
    if (!conflict.mineInCopy) reportConflict(this.note?.title ?? 'This note', conflict);
  }

  /** Stops listening. Only the sessions registry calls this, once nothing is unsaved. */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    // Settled: a draft row left now would be replayed over later versions by the next recovery.
    if (this.status === 'saved') this.#drafts.clear();
    removeEventListener('pagehide', this.#onHide);
    document.removeEventListener('visibilitychange', this.#onVisibility);
    this.#stopObserving();
    this.#stopListening();
  }
}
