// The editor's drafts in IndexedDB: every keystroke's text, at any size, with the version it was
// typed over. A write starts from the input event and is committed at once (see drafts-repo.ts);
// while one is on its way, later keystrokes wait as one queued write (the newest text), and
// `flushNow` sends that at once when the page is going away. A failed write is reported, never
// swallowed: the editor then warns that the text exists only in this tab.
//
// Before IndexedDB drafts, Hearth kept them in localStorage (`hearth:draft:<id>`): skipped above
// 1M characters and silently refused on a full disk. `migrateLegacyDrafts` moves any left there
// into IndexedDB once, deleting each only after its copy is stored.
import type { DraftRecord } from '../db/db';
import { draftId, putDraft } from '../db/drafts-repo';
import { getNote } from '../db/notes-repo';
import { tabId } from './tab-lock';

export class DraftWriter {
  readonly #noteId: string;
  readonly #onResult: (error: unknown) => void;
  #inFlight = 0;
  #queued: DraftRecord | null = null;

  /** `onResult` hears every write's outcome: null once one lands, the error when one fails. */
  constructor(noteId: string, onResult: (error: unknown) => void) {
    this.#noteId = noteId;
    this.#onResult = onResult;
  }

  write(content: string, baseHash: string): void {
    const record: DraftRecord = {
      id: draftId(this.#noteId, tabId),
      noteId: this.#noteId,
      tabId,
      content,
      baseHash,
      at: Date.now(),
    };
    if (this.#inFlight > 0) this.#queued = record;
    else this.#send(record);
  }

  /** Sends the queued text now, even with a write on its way: the page is going away. */
  flushNow(): void {
    const queued = this.#queued;
    this.#queued = null;
    if (queued) this.#send(queued);
  }

  /** Forgets a queued write (its text was just saved to the note). */
  dropQueued(): void {
    this.#queued = null;
  }

  #send(record: DraftRecord): void {
    this.#inFlight++;
    putDraft(record)
      .then(
        () => this.#onResult(null),
        (error: unknown) => this.#onResult(error ?? new Error('The draft was not written.')),
      )
      .finally(() => {
        this.#inFlight--;
        if (this.#inFlight === 0) this.flushNow();
      });
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
