// Note operations as the app sees them: build the stored form, write it through the storage layer,
// announce the change. Every save names the version (the note's `hash`) its text was based on;
// when the stored note has moved on since (another tab, an import), the save keeps both: the new
// text goes into the note and the stored one into a conflict copy beside it, in one transaction.
//
// Why the hash and not a revision counter: it is already stored and checked by imports; text
// that ends up identical is never a conflict; and a change undone elsewhere (A → B → A) is not
// reported as one.
import type { Note, NoteWithContent } from '../types';
import { HearthError, NotFoundError, PathConflictError } from '../errors';
import { getNote, journalEntry, noteAtPath, pathTaken } from '../db/notes-repo';
import {
  clearVault,
  deleteNotes,
  deleteTrashed,
  insertNote,
  setDeletedAt,
  writeNoteVersion,
} from '../db/notes-write';
import { buildNote } from './note-record';
import { buildConflictCopy, type ConflictCopy } from './conflict-copy';
import { setFrontmatterFields } from './frontmatter';
import { dirname, extension, slugify, uniquePath } from './paths';
import { journalPath } from './derive';
import { formatLongDate } from './dates';
import { notifyVaultChange } from './changes';

export type { ConflictCopy };

export interface SaveOutcome {
  note: NoteWithContent;
  /** Set when the stored note had changed since `base`: where its text was kept. */
  conflict: ConflictCopy | null;
}

export interface SaveOptions {
  /** The saving tab: its draft of the note is dropped or rebased in the same transaction. */
  tabId?: string | undefined;
  /** Drafts this save makes safe (recovered from a closed tab). */
  dropDrafts?: readonly string[] | undefined;
  /** When the saved text was taken (ms): the tab's drafts written later are rebased, not dropped. */
  since?: number | undefined;
}

type NoteFile = { path: string; content: string };

/** Reads, builds and writes again when the note changes between the read and the write. */
const maxAttempts = 5;

async function saveVersion(
  id: string,
  base: string,
  change: (current: NoteWithContent) => NoteFile | Promise<NoteFile>,
  what: (current: Note) => string,
  options: SaveOptions,
): Promise<SaveOutcome> {
  const since = options.since ?? Date.now();
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    const current = await getNote(id);
    if (!current) throw new NotFoundError('That note no longer exists: it was deleted for good.');
    const { path, content } = await change(current);
    // Identical text is never a conflict, whatever happened in between.
    if (content === current.content && path === current.path)
      return { note: current, conflict: null };
    const now = Date.now();
    const record = await buildNote(path, content, now, current);
    const copy =
      current.hash === base ? undefined : await buildConflictCopy(current, now, await pathTaken());
    const result = await writeNoteVersion({
      record,
      expectHash: current.hash,
      copy,
      tabId: options.tabId,
      since,
      dropDrafts: options.dropDrafts,
      what: what(current),
    });
    // Stale: the note changed between the read and the write. Missing: deleted meanwhile.
    if (result !== 'written') continue;
    // Naming the moved version lets the tab that saved it tell its user (editor.svelte.ts).
    notifyVaultChange(
      copy
        ? {
            type: 'notes-changed',
            ids: [id, copy.id],
            moved: { noteId: id, copyId: copy.id, hash: current.hash },
          }
        : { type: 'notes-changed', ids: [id] },
    );
    const conflict = copy
      ? { id: copy.id, title: copy.title, path: copy.path, theirs: current.content, mine: content }
      : null;
    return { note: record, conflict };
  }
  if (!(await getNote(id)))
    throw new NotFoundError('That note no longer exists: it was deleted for good.');
  throw new HearthError('This note keeps changing elsewhere, so it was not saved. Try again.');
}

/** Saves the note's whole text, built on the version `base`. */
export function saveContent(
  id: string,
  content: string,
  base: string,
  options: SaveOptions = {},
): Promise<SaveOutcome> {
  return saveVersion(
    id,
    base,
    (current) => ({ path: current.path, content }),
    (current) => `“${current.title}”`,
    options,
  );
}

/** Renames the note: its frontmatter title in `content` and, for ordinary notes, its file name. */
export async function renameNote(
  id: string,
  title: string,
  content: string,
  base: string,
  options: SaveOptions = {},
): Promise<SaveOutcome> {
  const clean = title.trim() || 'Untitled';
  const text = setFrontmatterFields(content, { title: clean });
  return saveVersion(
    id,
    base,
    async (current) => {
      // Imported files keep their path so the next import of the folder still matches them.
      if (current.kind !== 'note' || current.importedHash !== undefined)
        return { path: current.path, content: text };
      const taken = await pathTaken();
      const own = current.path.toLowerCase();
      const path = uniquePath(
        dirname(current.path),
        slugify(clean),
        (p) => p.toLowerCase() !== own && taken(p),
        extension(current.path),
      );
      return { path, content: text };
    },
    () => `the new title “${clean}”`,
    options,
  );
}

export async function setTags(
  id: string,
  tags: string[],
  content: string,
  base: string,
  options: SaveOptions = {},
): Promise<SaveOutcome> {
  const text = setFrontmatterFields(content, { tags });
  return saveVersion(
    id,
    base,
    (current) => ({ path: current.path, content: text }),
    (current) => `the tags of “${current.title}”`,
    options,
  );
}

/** A new note at a free path; `content` defaults to frontmatter with the title and no tags. */
export async function createNote(
  title = 'Untitled',
  dir = '',
  content = setFrontmatterFields('', { title, tags: [] }),
): Promise<NoteWithContent> {
  for (let attempt = 0; ; attempt++) {
    const path = uniquePath(dir, slugify(title), await pathTaken());
    const record = await buildNote(path, content, Date.now());
    try {
      await insertNote(record, `the new note “${title}”`);
    } catch (error) {
      // Another tab took the path a moment ago: pick the next free one.
      if (error instanceof PathConflictError && attempt < maxAttempts) continue;
      throw error;
    }
    notifyVaultChange({ type: 'notes-changed', ids: [record.id] });
    return record;
  }
}

async function setTrashed(id: string, deletedAt: number): Promise<void> {
  await setDeletedAt(id, deletedAt);
  notifyVaultChange({ type: 'notes-changed', ids: [id] });
}

export const trashNote = (id: string): Promise<void> => setTrashed(id, Date.now());
export const restoreNote = (id: string): Promise<void> => setTrashed(id, 0);

/** Deletes one note for good, skipping the trash: what frees space when the disk is too full to trash. */
export async function deleteForGood(id: string): Promise<void> {
  await deleteNotes([id]);
  notifyVaultChange({ type: 'notes-changed', ids: [id] });
}

/** Deletes every trashed note for good; returns how many. */
export async function emptyTrash(): Promise<number> {
  const ids = await deleteTrashed();
  notifyVaultChange({ type: 'notes-changed', ids });
  return ids.length;
}

export async function openOrCreateJournal(dateKey: string): Promise<Note> {
  const found = await journalEntry(dateKey);
  if (found) return found;
  const path = journalPath(dateKey);
  const clash = await noteAtPath(path);
  if (clash) {
    if (clash.deletedAt > 0) await restoreNote(clash.id);
    return { ...clash, deletedAt: 0 };
  }
  const content = `---\nkind: journal\ndate: ${dateKey}\n---\n\n# ${formatLongDate(dateKey)}\n\n`;
  const record = await buildNote(path, content, Date.now());
  await insertNote(record, `the journal entry for ${dateKey}`);
  notifyVaultChange({ type: 'notes-changed', ids: [record.id] });
  return record;
}

/** Deletes every note, draft, attachment and index snapshot. The database itself stays. */
export async function wipeVault(): Promise<void> {
  await clearVault();
  notifyVaultChange({ type: 'vault-reset' });
}
