// Embeddings of long-term memories, one per memory, for one model at a time. A vector is stored
// only while its memory still has the text it was made from: the check and the write share one
// transaction with the memory, so a memory edited or forgotten while it was being embedded never
// gets (or keeps) a vector of text it no longer has. Memories are few, so recall reads them all.
import { getDb, type MemoryVectorRecord } from './db';
import { guardQuota } from './quota';

/** Every stored memory vector made by `modelId`. */
export function memoryVectorsOf(modelId: string): Promise<MemoryVectorRecord[]> {
  return getDb().memoryVectors.where('modelId').equals(modelId).toArray();
}

/**
 * Stores vectors, each only if its memory still exists as of `updatedAt`; returns how many were
 * stored. Vectors of another model are dropped: one model's embeddings are the only ones used.
 */
export async function saveMemoryVectors(rows: MemoryVectorRecord[]): Promise<number> {
  if (rows.length === 0) return 0;
  const db = getDb();
  return guardQuota('the memory embeddings', () =>
    db.transaction('rw', db.memories, db.memoryVectors, async () => {
      const memories = await db.memories.bulkGet(rows.map((r) => r.memoryId));
      const fresh = rows.filter((row, i) => memories[i]?.updatedAt === row.updatedAt);
      await db.memoryVectors.bulkPut(fresh);
      return fresh.length;
    }),
  );
}

/** Drops the vectors of every model but `modelId` (the embedding model changed). */
export async function dropOtherMemoryVectors(modelId: string): Promise<void> {
  await getDb().memoryVectors.where('modelId').notEqual(modelId).delete();
}
