// Opening a note first replays the drafts nobody is editing any more (from closed tabs, or from
// before an update), oldest first, as the saves they were meant to be. A draft typed over the
// stored version is simply saved; one typed over an older version saves with a conflict copy of
// what is stored now, like any save over a newer version. No draft is ever dropped unless its text
// is already the note's.
import type { NoteWithContent } from '../types';
import type { DraftRecord } from '../db/db';
import { deleteDraft, draftsOf } from '../db/drafts-repo';
import { getNote } from '../db/notes-repo';
import { saveContent, type ConflictCopy } from './notes';

export interface Recovery {
  /** The note after the replayed drafts, or undefined when it does not exist. */
  note: NoteWithContent | undefined;
  /** How many drafts were saved into the note. */
  restored: number;
  conflicts: ConflictCopy[];
  /** A draft that could not be saved (a full disk): still stored, for the editor to hold. */
  unsaved: { draft: DraftRecord; error: unknown } | null;
}

/**
 * `isOrphan` tells whether a draft's tab has gone (see storage/tab-lock.ts). The caller's own
 * drafts count as orphans too: it opens the note only when it has no editor of it.
 */
export async function recoverDrafts(
  noteId: string,
  isOrphan: (draft: DraftRecord) => Promise<boolean>,
): Promise<Recovery> {
  let note = await getNote(noteId);
  const recovery: Recovery = { note, restored: 0, conflicts: [], unsaved: null };
  if (!note) return recovery;
  for (const draft of await draftsOf(noteId)) {
    if (!(await isOrphan(draft))) continue;
    if (draft.content === note.content) {
      await deleteDraft(draft.id);
      continue;
    }
    try {
      const outcome = await saveContent(noteId, draft.content, draft.baseHash, {
        dropDrafts: [draft.id],
      });
      note = outcome.note;
      recovery.restored++;
      if (outcome.conflict) recovery.conflicts.push(outcome.conflict);
    } catch (error) {
      recovery.unsaved = { draft, error };
      break;
    }
  }
  recovery.note = note;
  return recovery;
}
