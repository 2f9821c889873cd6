// Reads and writes of notes. Every write runs in one transaction over metadata and body, turns a
// full disk into a StorageFullError, and announces the change to the indexes.
import { liveQuery } from 'dexie';
import type { Note, NoteWithContent } from '../types';
import { getDb } from './db';
import { NotFoundError, PathConflictError } from '../errors';
import { guardQuota } from './quota';
import { buildNote, splitRecord } from '../vault/note-record';
import { setFrontmatterFields } from '../vault/frontmatter';
import { dirname, extension, slugify, uniquePath } from '../vault/paths';
import { journalPath } from '../vault/derive';
import { formatLongDate } from '../vault/dates';
import { notifyVaultChange } from '../vault/changes';

async function put(record: NoteWithContent, what: string): Promise<NoteWithContent> {
  const db = getDb();
  const { note, body } = splitRecord(record);
  await guardQuota(what, () =>
    db.transaction('rw', db.notes, db.bodies, async () => {
      const clash = await db.notes.where('path').equals(note.path).first();
      if (clash && clash.id !== note.id)
        throw new PathConflictError(`A note already lives at “${note.path}”.`);
      // Trash state belongs to trash/restore: a save racing them must not undo it.
      const current = await db.notes.get(note.id);
      if (current) note.deletedAt = record.deletedAt = current.deletedAt;
      await db.notes.put(note);
      await db.bodies.put(body);
    }),
  );
  notifyVaultChange({ type: 'notes-changed', ids: [record.id] });
  return record;
}

export async function getNote(id: string): Promise<NoteWithContent | undefined> {
  const db = getDb();
  const [note, body] = await Promise.all([db.notes.get(id), db.bodies.get(id)]);
  return note ? { ...note, content: body?.content ?? '' } : undefined;
}

async function requireNote(id: string): Promise<NoteWithContent> {
  const note = await getNote(id);
  if (!note) throw new NotFoundError('That note no longer exists.');
  return note;
}

async function pathTaken(): Promise<(path: string) => boolean> {
  const keys = (await getDb().notes.orderBy('path').keys()) as string[];
  const paths = new Set(keys.map((k) => k.toLowerCase()));
  return (path) => paths.has(path.toLowerCase());
}

export async function createNote(title = 'Untitled', dir = ''): Promise<NoteWithContent> {
  const path = uniquePath(dir, slugify(title), await pathTaken());
  const content = setFrontmatterFields('', { title, tags: [] });
  return put(await buildNote(path, content, Date.now()), `the new note “${title}”`);
}

export async function saveContent(id: string, content: string): Promise<NoteWithContent> {
  const existing = await requireNote(id);
  if (existing.content === content) return existing;
  return put(await buildNote(existing.path, content, Date.now(), existing), `“${existing.title}”`);
}

/** Renames the note: its frontmatter title and, for ordinary notes, its file name. */
export async function renameNote(
  id: string,
  title: string,
  content?: string,
): Promise<NoteWithContent> {
  const existing = await requireNote(id);
  const clean = title.trim() || 'Untitled';
  const text = setFrontmatterFields(content ?? existing.content, { title: clean });
  let path = existing.path;
  // Imported files keep their path so the next import of the folder still matches them.
  if (existing.kind === 'note' && existing.importedHash === undefined) {
    const taken = await pathTaken();
    const own = existing.path.toLowerCase();
    path = uniquePath(
      dirname(existing.path),
      slugify(clean),
      (p) => p.toLowerCase() !== own && taken(p),
      extension(existing.path),
    );
  }
  return put(await buildNote(path, text, Date.now(), existing), `the new title “${clean}”`);
}

export async function setTags(
  id: string,
  tags: string[],
  content?: string,
): Promise<NoteWithContent> {
  const existing = await requireNote(id);
  const text = setFrontmatterFields(content ?? existing.content, { tags });
  return put(
    await buildNote(existing.path, text, Date.now(), existing),
    `the tags of “${existing.title}”`,
  );
}

async function setDeletedAt(id: string, deletedAt: number): Promise<void> {
  await guardQuota('the trash', () => getDb().notes.update(id, { deletedAt }));
  notifyVaultChange({ type: 'notes-changed', ids: [id] });
}

export const trashNote = (id: string): Promise<void> => setDeletedAt(id, Date.now());
export const restoreNote = (id: string): Promise<void> => setDeletedAt(id, 0);

export async function emptyTrash(): Promise<number> {
  const db = getDb();
  // Read inside the transaction: a note restored a moment ago must not be deleted.
  const ids = await db.transaction('rw', db.notes, db.bodies, async () => {
    const trashed = await db.notes.where('deletedAt').above(0).primaryKeys();
    await db.notes.bulkDelete(trashed);
    await db.bodies.bulkDelete(trashed);
    return trashed;
  });
  notifyVaultChange({ type: 'notes-changed', ids });
  return ids.length;
}

/** Resolves a `[[wikilink]]` target: by title, then by file name, then by path, ignoring case. */
export async function findByLinkTarget(target: string): Promise<Note | undefined> {
  const db = getDb();
  const wanted = target.trim().toLowerCase();
  const live = (n: Note) => n.deletedAt === 0;
  const byTitle = await db.notes
    .where('title')
    .equalsIgnoreCase(target.trim())
    .filter(live)
    .first();
  if (byTitle) return byTitle;
  const withExt = /\.(md|markdown|txt)$/i.test(wanted) ? wanted : `${wanted}.md`;
  return db.notes
    .filter(
      (n) =>
        live(n) &&
        (n.path.toLowerCase() === withExt || n.path.toLowerCase().endsWith(`/${withExt}`)),
    )
    .first();
}

export async function journalEntry(dateKey: string): Promise<Note | undefined> {
  return getDb()
    .notes.where('[kind+date]')
    .equals(['journal', dateKey])
    .filter((n) => n.deletedAt === 0)
    .first();
}

export async function openOrCreateJournal(dateKey: string): Promise<Note> {
  const found = await journalEntry(dateKey);
  if (found) return found;
  const path = journalPath(dateKey);
  const clash = await getDb().notes.where('path').equals(path).first();
  if (clash) {
    if (clash.deletedAt > 0) await restoreNote(clash.id);
    return { ...clash, deletedAt: 0 };
  }
  const content = `---\nkind: journal\ndate: ${dateKey}\n---\n\n# ${formatLongDate(dateKey)}\n\n`;
  return put(await buildNote(path, content, Date.now()), `the journal entry for ${dateKey}`);
}

export interface NoteListQuery {
  limit: number;
  trashed?: boolean;
  kind?: Note['kind'];
}

export function observeNotes(
  query: NoteListQuery,
  onChange: (notes: Note[]) => void,
  onError: (e: unknown) => void,
) {
  const observable = liveQuery(() =>
    getDb()
      .notes.orderBy('updatedAt')
      .reverse()
      .filter(
        (n) =>
          (query.trashed ? n.deletedAt > 0 : n.deletedAt === 0) &&
          (!query.kind || n.kind === query.kind),
      )
      .limit(query.limit)
      .toArray(),
  );
  const subscription = observable.subscribe({ next: onChange, error: onError });
  return () => subscription.unsubscribe();
}

export function observeCounts(onChange: (counts: { live: number; trashed: number }) => void) {
  const observable = liveQuery(async () => {
    const db = getDb();
    const [live, trashed] = await Promise.all([
      db.notes.where('deletedAt').equals(0).count(),
      db.notes.where('deletedAt').above(0).count(),
    ]);
    return { live, trashed };
  });
  const subscription = observable.subscribe({ next: onChange, error: reportError });
  return () => subscription.unsubscribe();
}

/** Journal days (YYYY-MM-DD) between two keys, inclusive, for the month view and list. */
export function observeJournalDays(from: string, to: string, onChange: (notes: Note[]) => void) {
  const observable = liveQuery(() =>
    getDb()
      .notes.where('[kind+date]')
      .between(['journal', from], ['journal', to], true, true)
      .filter((n) => n.deletedAt === 0)
      .toArray(),
  );
  const subscription = observable.subscribe({ next: onChange, error: reportError });
  return () => subscription.unsubscribe();
}

/** The newest journal entries first, for the journal's list view. */
export function observeJournalList(limit: number, onChange: (notes: Note[]) => void) {
  const observable = liveQuery(() =>
    getDb()
      .notes.where('[kind+date]')
      .between(['journal', ''], ['journal', '\uffff'])
      .reverse()
      .filter((n) => n.deletedAt === 0)
      .limit(limit)
      .toArray(),
  );
  const subscription = observable.subscribe({ next: onChange, error: reportError });
  return () => subscription.unsubscribe();
}

export function observeNote(id: string, onChange: (note: Note | undefined) => void) {
  const subscription = liveQuery(() => getDb().notes.get(id)).subscribe({
    next: onChange,
    error: reportError,
  });
  return () => subscription.unsubscribe();
}

export async function allTags(): Promise<string[]> {
  const keys = await getDb().notes.orderBy('tags').uniqueKeys();
  return keys.map(String).sort((a, b) => a.localeCompare(b));
}

/** Deletes every note, body and index snapshot. The database itself stays. */
export async function wipeVault(): Promise<void> {
  const db = getDb();
  await db.transaction('rw', [db.notes, db.bodies, db.meta], async () => {
    await db.notes.clear();
    await db.bodies.clear();
    await db.meta.clear();
  });
  notifyVaultChange({ type: 'vault-reset' });
}
