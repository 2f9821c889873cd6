// What the keyword-search worker reads from and writes to IndexedDB: live notes with their text,
// and its own snapshot in `meta` under 'search-index'.
import type { Note, NoteKind } from '../types';
import { getDb } from './db';
import { StorageFullError, isRefusedWrite } from '../errors';

const SNAPSHOT_KEY = 'search-index';
/** The postings parts sort after the snapshot's own key and nothing else: `search-index/part/7`. */
const PART_PREFIX = `${SNAPSHOT_KEY}/part/`;
const partKey = (part: number) => `${PART_PREFIX}${part}`;
/**
 * The snapshot's lists of note ids, in a record of their own: a restore needs them only for its
 * check after the index answers, and after an import they name every note (100,000 ids at 100k).
 */
const MARKS_KEY = `${SNAPSHOT_KEY}/marks`;

interface PartRecord {
  stamp: string;
  bytes: Uint8Array;
}

/** The ids a snapshot keeps beside its index. */
export type SnapshotIdLists = Pick<SearchSnapshot, 'watermarkIds' | 'pendingIds'>;
type MarksRecord = SnapshotIdLists & { stamp: string };

/** A snapshot without its id lists: what a restore reads before it can search. */
export type SearchSnapshotHead = Omit<SearchSnapshot, keyof SnapshotIdLists>;

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
 * The indexed notes as columns (search/snapshot-columns.ts): a restore reads a few strings and
 * arrays rather than one object per note.
 */
export interface StoredKeywordDocs {
  count: number;
  /** Each note's id, title, path, kind, date, then its tags, back to back. */
  text: string;
  /** Per note: the lengths of those five strings, the tag count, each tag's length (varints). */
  lengths: Uint8Array;
  /** Per note: its four field lengths (title, tags, path, body terms). */
  fieldLengths: Uint32Array;
}

/**
 * The keyword index as stored (format 5), read before a restore can search: the terms sorted
 * and joined in one string, each term's posting count and packed size as variable-length
 * numbers, and the notes as columns. Where each term starts is found again from the newlines.
 * The postings, packed as variable-length numbers (search/keyword-codec.ts), are in parts stored
 * as records of their own and read after this one.
 */
export interface KeywordIndexData {
  docs: StoredKeywordDocs;
  /** The terms, sorted by code unit, each followed by '\n' (a term never holds whitespace). */
  terms: string;
  /** Each term's postings (code = note number × 4 + field, frequency), counted in pairs. */
  pairCounts: Uint8Array;
  /** Each term's packed postings, counted in bytes. */
  byteCounts: Uint8Array;
  /** Where each page of terms starts in the four fields above (term-pages.ts). */
  pageAnchors: Uint32Array;
  /** The first term of each part (length parts + 1: the last is the term count). */
  partAt: Uint32Array;
}

export interface SearchSnapshot {
  /** Bumped whenever the tokenizer or index options change: an older snapshot is rebuilt. */
  formatVersion: number;
  index: KeywordIndexData;
  /**
   * Names this save: its parts carry it too, so parts of another save (another tab's, or a save
   * cut short) are never read as this one's.
   */
  stamp: string;
  /** Its size as saved (terms as UTF-8, notes as JSON, arrays and parts), for the status line. */
  sizeBytes: number;
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

export async function loadSearchSnapshotHead(): Promise<SearchSnapshotHead | undefined> {
  const record = await getDb().meta.get(SNAPSHOT_KEY);
  return record?.value as SearchSnapshotHead | undefined;
}

/** The id lists of the snapshot named `stamp`; undefined when missing or of another save. */
export async function loadSearchSnapshotIds(stamp: string): Promise<SnapshotIdLists | undefined> {
  const record = (await getDb().meta.get(MARKS_KEY))?.value as MarksRecord | undefined;
  if (record?.stamp !== stamp) return undefined;
  return { watermarkIds: record.watermarkIds, pendingIds: record.pendingIds };
}

/**
 * Part i of the snapshot named `stamp`, for each of `parts`; undefined for a part that is missing
 * or belongs to another save.
 */
export async function loadSearchSnapshotParts(
  parts: number[],
  stamp: string,
): Promise<(Uint8Array | undefined)[]> {
  const records = await getDb().meta.bulkGet(parts.map(partKey));
  return records.map((record) => {
    const part = record?.value as PartRecord | undefined;
    return part?.stamp === stamp ? part.bytes : undefined;
  });
}

/** The snapshot and its parts in one transaction; parts of an earlier, larger save are dropped. */
export async function saveSearchSnapshot(
  snapshot: SearchSnapshot,
  parts: Uint8Array[],
): Promise<void> {
  const db = getDb();
  const updatedAt = Date.now();
  const { watermarkIds, pendingIds, ...head } = snapshot;
  try {
    await db.transaction('rw', db.meta, async () => {
      await db.meta
        .where('key')
        .startsWith(PART_PREFIX)
        .filter((record) => Number(record.key.slice(PART_PREFIX.length)) >= parts.length)
        .delete();
      await db.meta.bulkPut([
        { key: SNAPSHOT_KEY, value: head, updatedAt },
        { key: MARKS_KEY, value: { stamp: head.stamp, watermarkIds, pendingIds }, updatedAt },
        ...parts.map((bytes, i) => ({
          key: partKey(i),
          value: { stamp: snapshot.stamp, bytes } satisfies PartRecord,
          updatedAt,
        })),
      ]);
    });
  } catch (error) {
    if (isRefusedWrite(error)) throw new StorageFullError('the search index', { cause: error });
    throw error;
  }
}

export async function liveNoteIds(): Promise<string[]> {
  return getDb().notes.where('deletedAt').equals(0).primaryKeys();
}

/** The newest trash time of any note (0 when none is trashed): one index key read. */
async function newestDeletedAt(): Promise<number> {
  const [newest] = await getDb().notes.orderBy('deletedAt').reverse().limit(1).keys();
  return typeof newest === 'number' ? newest : 0;
}

/** Live note ids, and the newest trash time as of the same read. */
export async function liveNotes(): Promise<{ ids: string[]; newestDeletedAt: number }> {
  const db = getDb();
  return db.transaction('r', db.notes, async () => {
    const [ids, newest] = await Promise.all([liveNoteIds(), newestDeletedAt()]);
    return { ids, newestDeletedAt: newest };
  });
}

/**
 * What a restore compares with its snapshot before trusting it: counts and one key, so the cost
 * does not grow with the notes (reading every live id took 100-300 ms at 10k notes). `after`
 * lists the notes written since the watermark (usually none).
 */
export interface NotesCensus {
  live: number;
  atWatermark: number;
  after: string[];
  newestDeletedAt: number;
}

export async function notesCensus(watermarkMs: number): Promise<NotesCensus> {
  const db = getDb();
  return db.transaction('r', db.notes, async () => {
    const [live, atWatermark, after, newest] = await Promise.all([
      db.notes.where('deletedAt').equals(0).count(),
      db.notes.where('updatedAt').equals(watermarkMs).count(),
      db.notes.where('updatedAt').above(watermarkMs).primaryKeys(),
      newestDeletedAt(),
    ]);
    return { live, atWatermark, after, newestDeletedAt: newest };
  });
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

/** Shown fields of every live note, for a search while the keyword index is being restored. */
export async function readLiveNoteHeads(): Promise<
  Pick<Note, 'id' | 'title' | 'path' | 'kind' | 'date' | 'tags'>[]
> {
  const notes = await getDb().notes.where('deletedAt').equals(0).toArray();
  return notes.map(({ id, title, path, kind, date, tags }) => ({
    id,
    title,
    path,
    kind,
    date,
    tags,
  }));
}
