// Writes of notes, each in one transaction over metadata, body and drafts, a full disk turned into
// a StorageFullError. A save names the version it was built on and is refused inside the same
// transaction when the stored note has moved on, so no write is ever blind. Building records and
// announcing changes is the vault layer's job (src/lib/vault/notes.ts).
import type { NoteWithContent } from '../types';
import { getDb } from './db';
import { guardQuota } from './quota';
import { PathConflictError, StorageFullError, isRefusedWrite } from '../errors';
import { splitRecord } from './note-rows';
import { clearAttachments } from './attachments-repo';

export interface VersionedWrite {
  /** The note's new version (same id as the stored one). */
  record: NoteWithContent;
  /** The stored note's hash the record was built against: the write is refused if it differs. */
  expectHash: string;
  /** A new note written in the same transaction: the stored text a conflict moves aside. */
  copy?: NoteWithContent | undefined;
  /** The tab whose editor saves: its draft of this note is dropped, or rebased onto the record. */
  tabId?: string | undefined;
  /** When the saved text was taken (ms): only the tab's drafts written after it are newer. */
  since: number;
  /** Further drafts this write makes safe (a recovered draft from a closed tab): deleted. */
  dropDrafts?: readonly string[] | undefined;
  /** What the user would call it, for a full-disk message. */
  what: string;
}

/** `stale`: the stored note is no longer `expectHash`; `missing`: it was deleted for good. */
export type WriteResult = 'written' | 'stale' | 'missing';

async function assertPathFree(path: string, id: string): Promise<void> {
  const clash = await getDb().notes.where('path').equals(path).first();
  if (clash && clash.id !== id) throw new PathConflictError(`A note already lives at “${path}”.`);
}

function putRecord(record: NoteWithContent): Promise<unknown> {
  const db = getDb();
  const { note, body } = splitRecord(record);
  return Promise.all([db.notes.put(note), db.bodies.put(body)]);
}

export async function insertNote(record: NoteWithContent, what: string): Promise<void> {
  const db = getDb();
  await guardQuota(what, () =>
    db.transaction('rw', db.notes, db.bodies, async () => {
      await assertPathFree(record.path, record.id);
      if (await db.notes.get(record.id)) throw new PathConflictError('That note already exists.');
      await putRecord(record);
    }),
  );
}

export async function writeNoteVersion(write: VersionedWrite): Promise<WriteResult> {
  const db = getDb();
  const { record, copy } = write;
  return guardQuota(write.what, () =>
    db.transaction('rw', [db.notes, db.bodies, db.drafts], async () => {
      const current = await db.notes.get(record.id);
      if (!current) return 'missing';
      if (current.hash !== write.expectHash) return 'stale';
      await assertPathFree(record.path, record.id);
      if (copy) await assertPathFree(copy.path, copy.id);
      // Trash state belongs to trash/restore: a save racing them must not undo it.
      record.deletedAt = current.deletedAt;
      await putRecord(record);
      if (copy) await putRecord(copy);
      for (const draft of await db.drafts.where('noteId').equals(record.id).toArray()) {
        if (draft.tabId === write.tabId) {
          // Typed after this save began: it now builds on the saved text. Written before, its
          // text is in the record already (or was undone): left with its old base, it would
          // be replayed over later versions of the note.
          if (draft.at > write.since && draft.content !== record.content)
            await db.drafts.update(draft.id, { baseHash: record.hash });
          else await db.drafts.delete(draft.id);
        } else if (draft.content === record.content || write.dropDrafts?.includes(draft.id))
          await db.drafts.delete(draft.id);
      }
      return 'written';
    }),
  );
}

export async function setDeletedAt(id: string, deletedAt: number): Promise<void> {
  try {
    await getDb().notes.update(id, { deletedAt });
  } catch (error) {
    // A one-field update refused by the browser means no room to log even that.
    if (isRefusedWrite(error)) throw new StorageFullError('the trash', { cause: error });
    throw error;
  }
}

/** Deletes notes for good at once (no trash), with their text and drafts. */
export async function deleteNotes(ids: readonly string[]): Promise<void> {
  const db = getDb();
  await db.transaction('rw', [db.notes, db.bodies, db.drafts], async () => {
    await db.notes.bulkDelete([...ids]);
    await db.bodies.bulkDelete([...ids]);
    await db.drafts
      .where('noteId')
      .anyOf([...ids])
      .delete();
  });
}

/** Deletes the trashed notes among `ids` (all trashed notes without), with text and drafts. */
function deleteTrashedNow(ids?: string[]): Promise<string[]> {
  const db = getDb();
  // Read inside the transaction: a note restored a moment ago must not be deleted.
  return db.transaction('rw', [db.notes, db.bodies, db.drafts], async () => {
    const trashed = ids
      ? (await db.notes.bulkGet(ids)).filter((n) => n && n.deletedAt > 0).map((n) => n!.id)
      : await db.notes.where('deletedAt').above(0).primaryKeys();
    await db.notes.bulkDelete(trashed);
    await db.bodies.bulkDelete(trashed);
    await db.drafts.where('noteId').anyOf(trashed).delete();
    return trashed;
  });
}

/**
 * Deletes every trashed note for good, with its text and drafts; returns their ids. On a full
 * disk even a delete can be refused (the database must log it), so then the notes go one at a
 * time: each one deleted makes room for the next, and emptying the trash is how users free space.
 */
export async function deleteTrashed(): Promise<string[]> {
  let failure: unknown;
  try {
    return await deleteTrashedNow();
  } catch (error) {
    if (!isRefusedWrite(error)) throw error;
    failure = error;
  }
  const deleted: string[] = [];
  try {
    for (const id of await getDb().notes.where('deletedAt').above(0).primaryKeys())
      deleted.push(...(await deleteTrashedNow([id])));
  } catch (error) {
    failure = error;
  }
  // Some room was made: report what was deleted; the rest stays in the trash.
  if (deleted.length > 0) return deleted;
  throw isRefusedWrite(failure)
    ? new StorageFullError('the emptied trash', { cause: failure })
    : failure;
}

/** Deletes every note, body, draft, attachment and index snapshot. The database itself stays. */
export async function clearVault(): Promise<void> {
  const db = getDb();
  const tables = [db.notes, db.bodies, db.meta, db.drafts, db.attachments, db.attachmentBlobs];
  await db.transaction('rw', tables, async () => {
    await db.notes.clear();
    await db.bodies.clear();
    await db.meta.clear();
    await db.drafts.clear();
    await clearAttachments();
  });
}
