// What the keyword-search worker reads from and writes to IndexedDB: live notes with their text,
// and its own snapshot in `meta` under 'search-index'.
import type { Note, NoteKind } from '../types';
import { getDb } from './db';
import { StorageFullError, isRefusedWrite } from '../errors';

const SNAPSHOT_KEY = 'search-index';

/** What the keyword index keeps of a note: shown fields and the term count of each field. */
export interface StoredKeywordDoc {
  id: string;
  title: string;
  path: string;
  kind: NoteKind;
  date: string;
  tags: string[];
  /** Distinct terms in title, tags, path and body (BM25 field lengths). */
  lengths: number[];
}

/**
 * The keyword index as stored: two typed arrays and one string, which IndexedDB copies without
 * a parse. `terms` holds the terms sorted, one a line; term i has postings `offsets[i] ..
 * offsets[i + 1]` (each a code, note number × 4 + field, and a frequency), packed in `packed` as
 * variable-length numbers, each code as the step from the term's previous one
 * (search/keyword-codec.ts).
 */
export interface KeywordIndexData {
  docs: StoredKeywordDoc[];
  terms: string;
  offsets: Uint32Array;
  packed: Uint8Array;
}

export interface SearchSnapshot {
  /** Bumped whenever the tokenizer or index options change: an older snapshot is rebuilt. */
  formatVersion: number;
  index: KeywordIndexData;
  /** The newest `updatedAt` among indexed notes: anything newer is re-indexed on restore. */
  watermark: number;
  /**
   * The indexed notes written exactly at `watermark`. An import stamps thousands of notes with
   * one time; without this list each start would re-index all of them, or (comparing strictly)
   * miss a note saved in the same millisecond as the last indexed one.
   */
  watermarkIds: string[];
  /**
   * Notes changed but not yet indexed when the snapshot was taken. Their `updatedAt` can be
   * older than the watermark, so without this list a restore would think them indexed.
   */
  pendingIds: string[];
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
    if (isRefusedWrite(error)) throw new StorageFullError('the search index', { cause: error });
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

/** Up to `count` note texts in key order, starting after `afterId` (a sequential scan). */
export async function readBodiesAfter(
  afterId: string | null,
  count: number,
): Promise<{ id: string; content: string }[]> {
  const bodies = getDb().bodies;
  const range = afterId === null ? bodies.toCollection() : bodies.where(':id').above(afterId);
  return range.limit(count).toArray();
}

/** Note texts by id, for snippets of the top hits. */
export async function readBodies(ids: string[]): Promise<Map<string, string>> {
  const bodies = await getDb().bodies.bulkGet(ids);
  return new Map(bodies.flatMap((b) => (b ? [[b.id, b.content] as const] : [])));
}
