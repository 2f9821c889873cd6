// What the keyword-search worker reads from and writes to IndexedDB: live notes with their text,
// and its own snapshot in `meta` under 'search-index'.
import type { Note } from '../types';
import { getDb } from './db';
import { StorageFullError, isQuotaError } from '../errors';

const SNAPSHOT_KEY = 'search-index';

export interface SearchSnapshot {
  /** Bumped whenever the tokenizer or index options change: an older snapshot is rebuilt. */
  formatVersion: number;
  /** MiniSearch JSON. */
  index: string;
  /** The newest `updatedAt` among indexed notes: anything newer is re-indexed on restore. */
  watermark: number;
  /**
   * The indexed notes written exactly at `watermark`. An import stamps thousands of notes with
   * one time; without this list each start would re-index all of them, or (comparing strictly)
   * miss a note saved in the same millisecond as the last indexed one.
   */
  watermarkIds: string[];
}

export type NoteForIndex = Note & { content: string };

export async function loadSearchSnapshot(): Promise<SearchSnapshot | undefined> {
  const record = await getDb().meta.get(SNAPSHOT_KEY);
  return record?.value as SearchSnapshot | undefined;
}

export async function saveSearchSnapshot(snapshot: SearchSnapshot): Promise<void> {
  try {
    await getDb().meta.put({ key: SNAPSHOT_KEY, value: snapshot, updatedAt: Date.now() });
  } catch (error) {
    if (isQuotaError(error)) throw new StorageFullError('the search index', { cause: error });
    throw error;
  }
}

export async function liveNoteIds(): Promise<string[]> {
  return getDb().notes.where('deletedAt').equals(0).primaryKeys();
}

/** Ids of notes (live or trashed) last written after `sinceMs`, and those written at it exactly. */
export async function noteIdsWrittenSince(
  sinceMs: number,
): Promise<{ after: string[]; at: string[] }> {
  const notes = getDb().notes;
  const [after, at] = await Promise.all([
    notes.where('updatedAt').above(sinceMs).primaryKeys(),
    notes.where('updatedAt').equals(sinceMs).primaryKeys(),
  ]);
  return { after, at };
}

/** The requested notes with their text; ids that no longer exist are left out. */
export async function readNotesForIndex(ids: string[]): Promise<NoteForIndex[]> {
  const db = getDb();
  const [notes, bodies] = await db.transaction('r', db.notes, db.bodies, () =>
    Promise.all([db.notes.bulkGet(ids), db.bodies.bulkGet(ids)]),
  );
  const out: NoteForIndex[] = [];
  notes.forEach((note, i) => {
    if (note) out.push({ ...note, content: bodies[i]?.content ?? '' });
  });
  return out;
}

/** Note texts by id, for snippets of the top hits. */
export async function readBodies(ids: string[]): Promise<Map<string, string>> {
  const bodies = await getDb().bodies.bulkGet(ids);
  return new Map(bodies.flatMap((b) => (b ? [[b.id, b.content] as const] : [])));
}
