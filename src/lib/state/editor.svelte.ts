// One open note: its text, autosave and save status. A keystroke is never lost: it lands in a
// synchronous draft at once, in IndexedDB after a short pause, and is flushed when the page hides.
import type { NoteWithContent } from '../types';
import { getNote, renameNote, saveContent, setTags, observeNote } from '../db/notes-repo';
import { clearDraft, readDraft, writeDraft } from '../storage/drafts';
import { errorMessage } from '../errors';
import { setFrontmatterFields } from '../vault/frontmatter';
import { storageStatus } from './storage.svelte';
import { toasts } from './toasts.svelte';

export type SaveStatus = 'loading' | 'missing' | 'saved' | 'pending' | 'saving' | 'error';

const saveDelayMs = 400;

export class EditorSession {
  readonly id: string;
  note = $state.raw<NoteWithContent | null>(null);
  content = $state('');
  status = $state<SaveStatus>('loading');
  error = $state<string | null>(null);

  #savedContent = '';
  #timer: ReturnType<typeof setTimeout> | undefined;
  #chain: Promise<unknown> = Promise.resolve();
  #stopObserving: () => void = () => {};
  #disposed = false;
  #onHide = () => void this.flush();
  #onVisibility = () => {
    if (document.visibilityState === 'hidden') void this.flush();
  };

  constructor(id: string) {
    this.id = id;
    addEventListener('pagehide', this.#onHide);
    document.addEventListener('visibilitychange', this.#onVisibility);
  }

  async load(): Promise<void> {
    const note = await getNote(this.id);
    if (!note) {
      this.status = 'missing';
      return;
    }
    this.note = note;
    this.#savedContent = note.content;
    const draft = readDraft(this.id);
    if (draft && draft.at >= note.updatedAt && draft.content !== note.content) {
      this.content = draft.content;
      this.status = 'pending';
      toasts.show('Recovered text you typed before the page closed.');
      await this.flush();
    } else {
      if (draft) clearDraft(this.id);
      this.content = note.content;
      this.status = 'saved';
    }
    if (this.#disposed) return;
    this.#stopObserving = observeNote(this.id, (meta) => void this.#onExternalChange(meta?.hash));
  }

  /** Another tab or an import changed this note: take its text if we hold no unsaved edits. */
  async #onExternalChange(hash: string | undefined): Promise<void> {
    if (!hash || !this.note || hash === this.note.hash || this.status !== 'saved') return;
    const fresh = await getNote(this.id);
    if (!fresh || this.status !== 'saved') return;
    this.note = fresh;
    this.content = this.#savedContent = fresh.content;
  }

  edit(text: string): void {
    this.content = text;
    writeDraft(this.id, text);
    this.status = 'pending';
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.flush(), saveDelayMs);
  }

  /** Saves now if anything is unsaved. Writes are chained so they land in order. */
  flush(): Promise<unknown> {
    clearTimeout(this.#timer);
    if (
      this.status === 'loading' ||
      this.status === 'missing' ||
      this.content === this.#savedContent
    ) {
      return this.#chain;
    }
    return this.#write(() => saveContent(this.id, this.content));
  }

  rename(title: string): Promise<unknown> {
    return this.#editFields({ title }, () => renameNote(this.id, title, this.content));
  }

  setTags(tags: string[]): Promise<unknown> {
    return this.#editFields({ tags }, () => setTags(this.id, tags, this.content));
  }

  /**
   * Rewrites the frontmatter in the editor first, so text typed while the save runs already
   * carries the new title or tags and the next autosave cannot write the old ones back.
   */
  #editFields(
    fields: Record<string, unknown>,
    save: () => Promise<NoteWithContent>,
  ): Promise<unknown> {
    clearTimeout(this.#timer);
    try {
      this.content = setFrontmatterFields(this.content, fields);
    } catch (error) {
      this.status = 'error';
      this.error = errorMessage(error);
      return this.#chain;
    }
    writeDraft(this.id, this.content);
    return this.#write(save);
  }

  #write(save: () => Promise<NoteWithContent>): Promise<unknown> {
    const typed = this.content;
    this.status = 'saving';
    this.#chain = this.#chain.then(async () => {
      try {
        const saved = await save();
        this.note = saved;
        this.#savedContent = saved.content;
        if (this.content === typed) this.content = saved.content;
        this.error = null;
        if (this.content === saved.content) {
          this.status = 'saved';
          clearDraft(this.id);
        } else this.status = 'pending';
        // Outside the chain: a permission prompt must not hold up later saves.
        void storageStatus.askOnFirstSave().then(
          (asked) => asked && this.#reportPersistence(),
          (error: unknown) =>
            toasts.error(`Couldn't ask for persistent storage: ${errorMessage(error)}`),
        );
      } catch (error) {
        this.status = 'error';
        this.error = errorMessage(error);
      }
    });
    return this.#chain;
  }

  #reportPersistence(): void {
    const granted = storageStatus.persist === 'granted';
    toasts.show(
      granted
        ? 'Your browser will keep Hearth’s notes even when space runs low.'
        : 'Your browser may clear Hearth’s data if space runs low. Export backups from Settings.',
    );
  }

  async dispose(): Promise<void> {
    this.#disposed = true;
    removeEventListener('pagehide', this.#onHide);
    document.removeEventListener('visibilitychange', this.#onVisibility);
    this.#stopObserving();
    await this.flush();
  }
}
