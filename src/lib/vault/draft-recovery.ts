// Opening a note first replays the drafts nobody is editing any more (from closed tabs, or from
// before an update), oldest first, as the saves they were meant to be. A draft typed over the
// stored version is simply saved; one typed over an older version saves with a conflict copy of
// what is stored now, like any save over a newer version. No draft is ever dropped unless its text
// is already the note's, or is exactly the version it was typed over (typed, then undone).
//
// A draft of a note deleted for good has no note to go into: `recoverDeletedNotes` makes it a new
// note, “Recovered: <title>”, once the tab that typed it is gone.
import type { NoteWithContent } from '../types';
import type { DraftRecord } from '../db/db';
import { allDrafts, deleteDraft, draftsOf } from '../db/drafts-repo';
import { getNote } from '../db/notes-repo';
import { createNote, saveContent, type ConflictCopy } from './notes';
import { sha256Hex } from './hash';
import { readFrontmatter, setFrontmatterFields } from './frontmatter';
import { deriveMeta } from './derive';

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
    // Nothing typed over its base (a keystroke undone): replaying it would revert later changes.
    if (draft.content === note.content || (await sha256Hex(draft.content)) === draft.baseHash) {
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

/**
 * Turns the drafts of notes deleted for good into new notes, “Recovered: <title>”, once their tab
 * has gone (`isOrphan`); returns the notes made. A draft is deleted only after its note is stored.
 */
export async function recoverDeletedNotes(
  isOrphan: (draft: DraftRecord) => Promise<boolean>,
): Promise<NoteWithContent[]> {
  const made: NoteWithContent[] = [];
  for (const draft of (await allDrafts()).sort((a, b) => a.at - b.at)) {
    if ((await getNote(draft.noteId)) || !(await isOrphan(draft))) continue;
    const title = `Recovered: ${deriveMeta('Untitled.md', draft.content, '').title}`;
    let content = draft.content;
    try {
      // A journal entry's text becomes a plain note: its day may have an entry already.
      const kind = readFrontmatter(content)['kind'] === 'journal' ? { kind: 'note' } : {};
      content = setFrontmatterFields(content, { title, ...kind });
    } catch {
      // Frontmatter that is not valid YAML stays as typed: the text matters more than its title.
    }
    made.push(await createNote(title, '', content));
    await deleteDraft(draft.id);
  }
  return made;
}
