// What the memory worker stores: chunks, their int8 vectors and the per-note indexing jobs, all
// keyed by embedding model. Every write that changes a model's vectors bumps that model's
// generation in `meta`, so a saved index snapshot can tell whether it is still current.
import { getDb, type ChunkRecord, type EmbedJobRecord, type VectorRecord } from './db';
import { guardQuota } from './quota';
import type { Note } from '../types';

export type { ChunkRecord, EmbedJobRecord, VectorRecord };

export const jobKind = (modelId: string) => `embed:${modelId}`;
export const jobId = (modelId: string, noteId: string) => `${modelId}|${noteId}`;
export const generationKey = (modelId: string) => `vector-generation:${modelId}`;
export const labelKey = (modelId: string) => `vector-label:${modelId}`;

async function bumpGeneration(modelId: string): Promise<void> {
  const meta = getDb().meta;
  const row = await meta.get(generationKey(modelId));
  await meta.put({
    key: generationKey(modelId),
    value: ((row?.value as number | undefined) ?? 0) + 1,
    updatedAt: Date.now(),
  });
}

export async function readGeneration(modelId: string): Promise<number> {
  const row = await getDb().meta.get(generationKey(modelId));
  return (row?.value as number | undefined) ?? 0;
}

/**
 * Queues (again) the given notes for `modelId`; a queued note is simply re-queued. A job's
 * `createdAt` also tells the indexer whether it was queued again while it was being indexed, so
 * a re-queue always moves it on, even within the same millisecond.
 */
export async function queueNotes(modelId: string, noteIds: string[]): Promise<void> {
  if (noteIds.length === 0) return;
  const db = getDb();
  await guardQuota('the semantic index', () =>
    db.transaction('rw', db.jobs, async () => {
      const ids = noteIds.map((noteId) => jobId(modelId, noteId));
      const previous = await db.jobs.bulkGet(ids);
      const now = Date.now();
      const rows: EmbedJobRecord[] = noteIds.map((noteId, i) => ({
        id: ids[i]!,
        kind: jobKind(modelId),
        status: 'queued',
        createdAt: Math.max(now, (previous[i]?.createdAt ?? 0) + 1),
        payload: { modelId, noteId },
      }));
      await db.jobs.bulkPut(rows);
    }),
  );
}

/** Every live note's content hash, by id (metadata rows only, no note text). */
export async function liveNoteHashes(): Promise<Map<string, string>> {
  const notes = await getDb().notes.where('deletedAt').equals(0).toArray();
  return new Map(notes.map((n) => [n.id, n.hash]));
}

export async function allJobs(modelId: string): Promise<EmbedJobRecord[]> {
  return (await getDb().jobs.where('kind').equals(jobKind(modelId)).toArray()) as EmbedJobRecord[];
}

/** The oldest queued notes first, so a steady stream of edits cannot starve an import. */
export async function queuedJobs(modelId: string, limit: number): Promise<EmbedJobRecord[]> {
  const rows = await getDb()
    .jobs.where('[kind+status]')
    .equals([jobKind(modelId), 'queued'])
    .sortBy('createdAt');
  return rows.slice(0, limit) as EmbedJobRecord[];
}

export async function countJobs(
  modelId: string,
): Promise<{ queued: number; done: number; failed: number }> {
  const jobs = getDb().jobs;
  const count = (status: EmbedJobRecord['status']) =>
    jobs
      .where('[kind+status]')
      .equals([jobKind(modelId), status])
      .count();
  const [queued, done, failed] = await Promise.all([
    count('queued'),
    count('done'),
    count('failed'),
  ]);
  return { queued, done, failed };
}

export async function chunksOfNote(modelId: string, noteId: string): Promise<ChunkRecord[]> {
  return getDb().chunks.where('[modelId+noteId]').equals([modelId, noteId]).toArray();
}

/** A checkpoint: chunks embedded so far, with their vectors, in one transaction. */
export async function saveEmbedded(
  modelId: string,
  chunks: ChunkRecord[],
  vectors: VectorRecord[],
): Promise<void> {
  const db = getDb();
  await guardQuota('the semantic index', () =>
    db.transaction('rw', db.chunks, db.vectors, db.meta, async () => {
      await db.chunks.bulkPut(chunks);
      await db.vectors.bulkPut(vectors);
      await bumpGeneration(modelId);
    }),
  );
}

export async function failJob(modelId: string, noteId: string, error: string): Promise<void> {
  await getDb().jobs.update(jobId(modelId, noteId), {
    status: 'failed',
    payload: { modelId, noteId, error },
  });
}

export async function chunksByLabels(modelId: string, labels: number[]): Promise<ChunkRecord[]> {
  // One exact lookup per label, all in flight at once: anyOf() on the compound index walks a
  // cursor key by key, one round trip each (56 ms to over 1 s for 46 labels on a busy machine).
  const db = getDb();
  const rows = await db.transaction('r', db.chunks, () =>
    Promise.all(labels.map((l) => db.chunks.where('[modelId+label]').equals([modelId, l]).first())),
  );
  return rows.filter((r): r is ChunkRecord => r !== undefined);
}

export async function vectorsByLabels(modelId: string, labels: number[]): Promise<VectorRecord[]> {
  if (labels.length === 0) return [];
  return getDb()
    .vectors.where('[modelId+label]')
    .anyOf(labels.map((l) => [modelId, l]))
    .toArray();
}

/**
 * Every label of `modelId` that has a vector, with its chunk id, read from the index alone (no
 * vector values): the index keys and primary keys of one range, in the same order.
 */
export async function vectorLabelChunks(
  modelId: string,
): Promise<{ labels: number[]; chunkIds: string[] }> {
  const db = getDb();
  return db.transaction('r', db.vectors, async () => {
    const range = () =>
      db.vectors.where('[modelId+label]').between([modelId, 0], [modelId, Number.MAX_SAFE_INTEGER]);
    const [keys, chunkIds] = await Promise.all([range().keys(), range().primaryKeys()]);
    return { labels: keys.map((k) => (k as unknown as [string, number])[1]), chunkIds };
  });
}

/** The filterable metadata of the given notes (all notes when no ids are given); no note text. */
export async function readNoteMetadata(
  ids?: string[],
): Promise<Pick<Note, 'id' | 'kind' | 'tags' | 'date' | 'path' | 'deletedAt'>[]> {
  const notes = getDb().notes;
  const rows = ids
    ? (await notes.bulkGet(ids)).filter((n) => n !== undefined)
    : await notes.toArray();
  return rows.map(({ id, kind, tags, date, path, deletedAt }) => ({
    id,
    kind,
    tags,
    date,
    path,
    deletedAt,
  }));
}

/** Streams `modelId`'s vectors in label order, `pageSize` rows at a time. */
export async function forEachVectorPage(
  modelId: string,
  pageSize: number,
  onPage: (rows: VectorRecord[]) => void | Promise<void>,
): Promise<void> {
  let after = -1;
  for (;;) {
    const rows = await getDb()
      .vectors.where('[modelId+label]')
      .between([modelId, after], [modelId, Number.MAX_SAFE_INTEGER], false, true)
      .limit(pageSize)
      .toArray();
    if (rows.length === 0) return;
    await onPage(rows);
    after = rows[rows.length - 1]!.label;
  }
}

export async function countChunks(modelId: string): Promise<{ chunks: number; vectors: number }> {
  const db = getDb();
  const range = (table: typeof db.chunks | typeof db.vectors) =>
    table
      .where('[modelId+label]')
      .between([modelId, 0], [modelId, Number.MAX_SAFE_INTEGER])
      .count();
  const [chunks, vectors] = await Promise.all([range(db.chunks), range(db.vectors)]);
  return { chunks, vectors };
}

/** Models that have any chunk, job or snapshot stored. */
export async function modelsWithData(): Promise<string[]> {
  const db = getDb();
  const kinds = (await db.jobs.orderBy('kind').uniqueKeys()) as string[];
  const fromJobs = kinds.filter((k) => k.startsWith('embed:')).map((k) => k.slice(6));
  const fromBlocks = (await db.indexBlocks.orderBy('modelId').uniqueKeys()) as string[];
  return [...new Set([...fromJobs, ...fromBlocks])];
}

/** Deletes everything stored for `modelId`: chunks, vectors, jobs, snapshot and counters. */
export async function wipeModel(modelId: string): Promise<void> {
  const db = getDb();
  await db.transaction(
    'rw',
    [db.chunks, db.vectors, db.jobs, db.indexBlocks, db.meta],
    async () => {
      const range = [
        [modelId, 0],
        [modelId, Number.MAX_SAFE_INTEGER],
      ] as const;
      await db.chunks
        .where('[modelId+label]')
        .between(...range)
        .delete();
      await db.vectors
        .where('[modelId+label]')
        .between(...range)
        .delete();
      await db.jobs.where('kind').equals(jobKind(modelId)).delete();
      await db.indexBlocks.where('modelId').equals(modelId).delete();
      await db.meta.bulkDelete([
        generationKey(modelId),
        labelKey(modelId),
        `vector-index:${modelId}`,
        `vector-notes:${modelId}`,
      ]);
    },
  );
}
