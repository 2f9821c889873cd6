// The editor's drafts in IndexedDB: every keystroke's text, at any size, with the version it was
// typed over. A write starts from the input event and is committed at once (see drafts-repo.ts);
// while one is on its way, later keystrokes wait as one queued write (the newest text), and
// `flushNow` sends that at once when the page is going away. Once the note holds every character,
// `clear` deletes the draft through the same queue, after the writes on their way. A failed write
// is reported, never swallowed: the editor then warns that the text exists only in this tab.
//
// A draft write can wait behind a save of the note (both take the drafts store), and a save needs
// the page to run between its requests: a page frozen in the back/forward cache and then evicted
// never runs them, and drops the queued draft with it. So when the page hides with text not yet
// on disk, `flushNow` also keeps it synchronously in localStorage (`hearth:unsaved-draft:<id>`),
// which survives that; the next page moves it into IndexedDB before drafts are recovered, and the
// copy goes as soon as a draft at least as new lands.
//
// Before IndexedDB drafts, Hearth kept them in localStorage (`hearth:draft:<id>`): skipped above
// 1M characters and silently refused on a full disk. `migrateLegacyDrafts` moves any left there
// into IndexedDB once, deleting each only after its copy is stored.
import type { DraftRecord } from '../db/db';
import { draftId, draftsOf, putDraft, removeDraft } from '../db/drafts-repo';
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
  /** The newest text handed to `write`, until it is on disk (null once it is, or cleared). */
  #latest: DraftRecord | null = null;
  /** When the text kept in localStorage at the last page hide was typed, until a newer lands. */
  #copyAt: number | null = null;

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
    const record: DraftRecord = {
      id: draftId(this.#noteId, tabId),
      noteId: this.#noteId,
      tabId,
      content,
      baseHash,
      at: Date.now(),
    };
    this.#latest = record;
    this.#enqueue(record);
  }

  /**
   * Deletes this tab's draft: the note holds every character of it. Queued like a write, so it
   * lands after the writes on their way; a draft left behind would be replayed later as a save.
   */
  clear(): void {
    this.#latest = null;
    this.#enqueue('delete');
  }

  /**
   * Sends the queued change now, even with a write on its way: the page is going away. Text not
   * yet on disk is also kept in localStorage, which a frozen page cannot hold up.
   */
  flushNow(): void {
    this.#sendQueued();
    if (this.#latest && keepCopy(this.#latest)) this.#copyAt = this.#latest.at;
  }

  #sendQueued(): void {
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
        ? removeDraft(draftId(this.#noteId, tabId)).then(
            () => this.#dropCopy(),
            (error: unknown) => {
              // Not the user's text at risk (the note holds it); recovery drops a draft that equals
              // its base version, and replays any other as a save that keeps both texts.
              console.warn('Could not delete a saved draft', error);
            },
          )
        : putDraft(change).then(
            () => {
              if (this.#latest === change) this.#latest = null;
              if (this.#copyAt !== null && change.at >= this.#copyAt) this.#dropCopy();
              this.#onResult(null);
            },
            (error: unknown) => this.#onResult(error ?? new Error('The draft was not written.')),
          );
    void sent.finally(() => {
      this.#inFlight--;
      if (this.#inFlight > 0) return;
      if (this.#queued) this.#sendQueued();
      else this.#setBusy(false);
    });
  }

  #dropCopy(): void {
    if (this.#copyAt === null) return;
    this.#copyAt = null;
    try {
      localStorage.removeItem(copyPrefix + draftId(this.#noteId, tabId));
    } catch {
      // Left behind, it is moved into IndexedDB and dropped there as the note's own text.
    }
  }

  #setBusy(busy: boolean): void {
    this.#busy = busy;
    this.#onBusy(busy);
  }
}

const copyPrefix = 'hearth:unsaved-draft:';

/** Keeps a draft synchronously; false when the browser refused (a full disk). */
function keepCopy(record: DraftRecord): boolean {
  try {
    localStorage.setItem(copyPrefix + record.id, JSON.stringify(record));
    return true;
  } catch {
    return false;
  }
}

function isDraftRecord(value: unknown): value is DraftRecord {
  const v = value as Partial<DraftRecord> | null;
  return (
    typeof v?.id === 'string' &&
    typeof v.noteId === 'string' &&
    typeof v.tabId === 'string' &&
    typeof v.content === 'string' &&
    typeof v.baseHash === 'string' &&
    typeof v.at === 'number'
  );
}

const legacyPrefix = 'hearth:draft:';
const legacyTab = 'legacy';
let migration: Promise<void> | null = null;

function keysWith(prefix: string): string[] {
  try {
    return Object.keys(localStorage).filter((key) => key.startsWith(prefix));
  } catch {
    return [];
  }
}

/** Moves the copies kept at page hide into IndexedDB, unless a draft as new is there already. */
export async function moveHideCopies(): Promise<void> {
  for (const key of keysWith(copyPrefix)) {
    let record: unknown;
    try {
      record = JSON.parse(localStorage.getItem(key) ?? 'null');
    } catch {
      continue; // Not a copy Hearth wrote: leave it.
    }
    if (!isDraftRecord(record)) continue;
    const stored = (await draftsOf(record.noteId)).find((draft) => draft.id === record.id);
    if (!stored || stored.at < record.at) await putDraft(record);
    localStorage.removeItem(key);
  }
}

/**
 * Moves localStorage drafts into IndexedDB, once per page. An old draft has no base version: it
 * counts as based on the stored note if typed after its last change, else the recovery keeps both.
 */
export function migrateLegacyDrafts(): Promise<void> {
  migration ??= (async () => {
    await moveHideCopies();
    for (const key of keysWith(legacyPrefix)) {
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
