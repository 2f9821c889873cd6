// A backup's semantic index written into the store, inside the restore's own transaction (the
// caller's): chunk rows with fresh labels from the model's counter (never a label in use, so an
// open index told to reconcile adds exactly these), their vectors, each note's job marked done
// with the hash of the text it was cut from (so the indexer finds nothing to embed), and the
// model's generation bumped (so a saved snapshot older than these rows is reconciled, not trusted).
import type { RestoredIndex } from '../bundle/index-format';
import type { HearthDb, ChunkRecord, EmbedJobRecord, VectorRecord } from './db';
import { generationKey, jobId, jobKind, labelKey } from './memory-repo';

/** The tables `writeRestoredIndex` touches; the caller's transaction must include them. */
export const indexTables = ['chunks', 'vectors', 'jobs', 'meta', 'indexBlocks'] as const;

/** Meta keys of every model's index (snapshot header, label notes, generation, label counter). */
const indexMetaPrefixes = ['vector-index:', 'vector-notes:', 'vector-generation:', 'vector-label:'];

/**
 * `replace`: every model's index here goes first (the notes it was made from are being replaced),
 * but the restored model's generation and label counter, which only ever grow.
 */
export async function writeRestoredIndex(
  db: HearthDb,
  index: RestoredIndex,
  replace: boolean,
): Promise<void> {
  const { modelId, dimensions } = index;
  if (replace) {
    for (const name of ['chunks', 'vectors', 'jobs', 'indexBlocks'] as const)
      await db.table(name).clear();
    const keep = new Set([generationKey(modelId), labelKey(modelId)]);
    for (const prefix of indexMetaPrefixes)
      await db.meta
        .where('key')
        .startsWith(prefix)
        .filter((row) => !keep.has(row.key))
        .delete();
  } else {
    const stale = await db.chunks
      .where('[modelId+noteId]')
      .anyOf([...index.notes.keys()].map((noteId) => [modelId, noteId]))
      .primaryKeys();
    await db.chunks.bulkDelete(stale);
    await db.vectors.bulkDelete(stale);
  }
  const first = ((await db.meta.get(labelKey(modelId)))?.value as number | undefined) ?? 1;
  const now = Date.now();
  const chunks: ChunkRecord[] = [];
  const vectors: VectorRecord[] = [];
  index.chunks.forEach(({ noteHash: _hash, scale, ...row }, i) => {
    const label = first + i;
    chunks.push({ ...row, modelId, label });
    // A copy per row: a view would store the whole shared buffer with every vector.
    const q = index.vectors.slice(i * dimensions, (i + 1) * dimensions);
    vectors.push({ chunkId: row.id, modelId, label, q, scale });
  });
  await db.chunks.bulkPut(chunks);
  await db.vectors.bulkPut(vectors);
  const jobs: EmbedJobRecord[] = [...index.notes].map(([noteId, noteHash]) => ({
    id: jobId(modelId, noteId),
    kind: jobKind(modelId),
    status: 'done',
    createdAt: now,
    payload: { modelId, noteId, noteHash },
  }));
  await db.jobs.bulkPut(jobs);
  await db.meta.put({ key: labelKey(modelId), value: first + chunks.length, updatedAt: now });
  const generation =
    ((await db.meta.get(generationKey(modelId)))?.value as number | undefined) ?? 0;
  await db.meta.put({ key: generationKey(modelId), value: generation + 1, updatedAt: now });
}
