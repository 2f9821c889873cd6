// Reads of notes: single notes with their text, link targets, journal days, and live lists. The
// writes are in notes-write.ts; the vault layer (src/lib/vault/notes.ts) builds what they store.
import { liveQuery } from 'dexie';
import type { Note, NoteWithContent } from '../types';
import { getDb } from './db';

export async function getNote(id: string): Promise<NoteWithContent | undefined> {
  const db = getDb();
  const [note, body] = await Promise.all([db.notes.get(id), db.bodies.get(id)]);
  return note ? { ...note, content: body?.content ?? '' } : undefined;
}

/** Whether a path is taken, ignoring case (trashed notes included), as of now. */
export async function pathTaken(): Promise<(path: string) => boolean> {
  const keys = (await getDb().notes.orderBy('path').keys()) as string[];
  const paths = new Set(keys.map((k) => k.toLowerCase()));
  return (path) => paths.has(path.toLowerCase());
}

export async function noteAtPath(path: string): Promise<Note | undefined> {
  return getDb().notes.where('path').equals(path).first();
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

/** Notes not in the trash, as of now. */
export function liveNoteCount(): Promise<number> {
  return getDb().notes.where('deletedAt').equals(0).count();
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
