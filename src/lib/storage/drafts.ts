// The editor's drafts in IndexedDB: every keystroke's text, at any size, with the version it was
// typed over. A write starts from the input event and is committed at once (see drafts-repo.ts);
// while one is on its way, later keystrokes wait as one queued write (the newest text), and
// `flushNow` sends that at once when the page is going away. Once the note holds every character,
// `clear` deletes the draft through the same queue, after the writes on their way. A failed write
// is reported, never swallowed: the editor then warns that the text exists only in this tab.
//
// Before IndexedDB drafts, Hearth kept them in localStorage (`hearth:draft:<id>`): skipped above
// 1M characters and silently refused on a full disk. `migrateLegacyDrafts` moves any left there
// into IndexedDB once, deleting each only after its copy is stored.
import type { DraftRecord } from '../db/db';
import { draftId, putDraft, removeDraft } from '../db/drafts-repo';
import { getNote } from '../db/notes-repo';
import { tabId } from './tab-lock';

/** A draft write, or the deletion of the tab's draft once the note holds all its text. */
type DraftChange = DraftRecord | 'delete';

export class DraftWriter {
  readonly #noteId: string;
  readonly #onResult: (error: unknown) => void;
  readonly #onBusy: (busy: boolean) => void;
  #inFlight = 0;
  #busy = false;
  #queued: DraftChange | null = null;

  /**
   * `onResult` hears every write's outcome: null once one lands, the error when one fails.
   * `onBusy` hears true when a change is sent with none on its way, and false once the last
   * queued change has landed: until then, the draft may not hold the newest text.
   */
  constructor(
    noteId: string,
    onResult: (error: unknown) => void,
    onBusy: (busy: boolean) => void = () => {},
  ) {
    this.#noteId = noteId;
    this.#onResult = onResult;
    this.#onBusy = onBusy;
  }

  write(content: string, baseHash: string): void {
    this.#enqueue({
      id: draftId(this.#noteId, tabId),
      noteId: this.#noteId,
      tabId,
      content,
      baseHash,
      at: Date.now(),
    });
  }

  /**
   * Deletes this tab's draft: the note holds every character of it. Queued like a write, so it
   * lands after the writes on their way; a draft left behind would be replayed later as a save.
   */
  clear(): void {
    this.#enqueue('delete');
  }

  /** Sends the queued change now, even with a write on its way: the page is going away. */
  flushNow(): void {
    const queued = this.#queued;
    this.#queued = null;
    if (queued) this.#send(queued);
  }

  #enqueue(change: DraftChange): void {
    if (this.#inFlight > 0) this.#queued = change;
    else this.#send(change);
  }

  #send(change: DraftChange): void {
    if (!this.#busy) this.#setBusy(true);
    this.#inFlight++;
    const sent =
      change === 'delete'
        ? removeDraft(draftId(this.#noteId, tabId)).catch((error: unknown) => {
            // Not the user's text at risk (the note holds it); recovery drops a draft that equals
            // its base version, and replays any other as a save that keeps both texts.
            console.warn('Could not delete a saved draft', error);
          })
        : putDraft(change).then(
            () => this.#onResult(null),
            (error: unknown) => this.#onResult(error ?? new Error('The draft was not written.')),
          );
    void sent.finally(() => {
      this.#inFlight--;
      if (this.#inFlight > 0) return;
      if (this.#queued) this.flushNow();
      else this.#setBusy(false);
    });
  }

  #setBusy(busy: boolean): void {
    this.#busy = busy;
    this.#onBusy(busy);
  }
}

const legacyPrefix = 'hearth:draft:';
const legacyTab = 'legacy';
let migration: Promise<void> | null = null;

function legacyKeys(): string[] {
  try {
    return Object.keys(localStorage).filter((key) => key.startsWith(legacyPrefix));
  } catch {
    return [];
  }
}

/**
 * Moves localStorage drafts into IndexedDB, once per page. An old draft has no base version: it
 * counts as based on the stored note if typed after its last change, else the recovery keeps both.
 */
export function migrateLegacyDrafts(): Promise<void> {
  migration ??= (async () => {
    for (const key of legacyKeys()) {
      const noteId = key.slice(legacyPrefix.length);
      let parsed: { content?: unknown; at?: unknown };
      try {
        parsed = JSON.parse(localStorage.getItem(key) ?? 'null') as typeof parsed;
      } catch {
        continue; // Not a draft Hearth wrote: leave it.
      }
      if (typeof parsed?.content !== 'string' || typeof parsed.at !== 'number') continue;
      const note = await getNote(noteId);
      const baseHash = note && parsed.at >= note.updatedAt ? note.hash : '';
      const record = { noteId, tabId: legacyTab, content: parsed.content, baseHash, at: parsed.at };
      await putDraft({ id: draftId(noteId, legacyTab), ...record });
      localStorage.removeItem(key);
    }
  })().catch((error: unknown) => {
    migration = null; // Try again on the next open; the localStorage copies are still there.
    throw error;
  });
  return migration;
}
