// The semantic index as a backup reads it: the serving embedding model's chunks and int8 vectors,
// a block at a time in label order, only for notes whose indexing is done for their current text
// (a note mid-indexing has a mix of old and new rows; it is embedded again after a restore).
import type { IndexSource } from '../bundle/index-write';
import type { IndexChunk } from '../bundle/index-format';
import { getDb } from './db';
import { jobKind } from './memory-repo';
import type { EmbedJobRecord } from './db';

/** Settings naming the index that serves searches, then the user's choice (memory-service.ts). */
const modelSettings = ['memory.serving', 'memory.model'];

async function indexModel(): Promise<{ modelId: string; dimensions: number } | null> {
  const db = getDb();
  for (const key of modelSettings) {
    const modelId = (await db.settings.get(key))?.value;
    if (typeof modelId !== 'string') continue;
    const model = await db.models.get(modelId);
    const spec = model?.spec as { embedding?: { dimensions?: number } } | undefined;
    const dimensions = spec?.embedding?.dimensions;
    if (model?.complete && typeof dimensions === 'number') return { modelId, dimensions };
  }
  return null;
}

/** Notes indexed for their current text: id → that text's hash. */
async function indexedNotes(modelId: string): Promise<Map<string, string>> {
  const db = getDb();
  const [notes, jobs] = await db.transaction('r', [db.notes, db.jobs], () =>
    Promise.all([
      db.notes.where('deletedAt').equals(0).toArray(),
      db.jobs.where('kind').equals(jobKind(modelId)).toArray() as Promise<EmbedJobRecord[]>,
    ]),
  );
  const live = new Map(notes.map((n) => [n.id, n.hash]));
  const done = new Map<string, string>();
  for (const job of jobs) {
    const hash = job.payload.noteHash;
    if (job.status === 'done' && hash && live.get(job.payload.noteId) === hash)
      done.set(job.payload.noteId, hash);
  }
  return done;
}

async function* blocksOf(
  modelId: string,
  dimensions: number,
  blockChunks: number,
): AsyncGenerator<{ chunks: IndexChunk[]; vectors: Int8Array }> {
  const db = getDb();
  const notes = await indexedNotes(modelId);
  let after = 0;
  for (;;) {
    // One transaction per block: rows and vectors agree, and nothing is held past the block.
    const page = await db.transaction('r', [db.vectors, db.chunks], async () => {
      const vectors = await db.vectors
        .where('[modelId+label]')
        .between([modelId, after], [modelId, Number.MAX_SAFE_INTEGER], false, true)
        .limit(blockChunks)
        .toArray();
      const chunks = await db.chunks.bulkGet(vectors.map((v) => v.chunkId));
      return { vectors, chunks };
    });
    if (page.vectors.length === 0) return;
    after = page.vectors.at(-1)!.label;
    const rows: IndexChunk[] = [];
    const bytes = new Int8Array(page.vectors.length * dimensions);
    page.vectors.forEach((vector, i) => {
      const chunk = page.chunks[i];
      const noteHash = chunk ? notes.get(chunk.noteId) : undefined;
      if (!chunk || !noteHash || vector.q.length !== dimensions) return;
      bytes.set(vector.q, rows.length * dimensions);
      const { id, noteId, hash, seq, start, end, headingPath, tokenCount } = chunk;
      rows.push({
        id,
        noteId,
        noteHash,
        hash,
        seq,
        start,
        end,
        headingPath,
        tokenCount,
        scale: vector.scale,
      });
    });
    yield { chunks: rows, vectors: bytes.slice(0, rows.length * dimensions) };
  }
}

/** The serving model's index for a backup, or null when no complete embedding model has one. */
export async function readIndexSource(blockChunks: number): Promise<IndexSource | null> {
  const model = await indexModel();
  if (!model) return null;
  const count = await getDb()
    .vectors.where('[modelId+label]')
    .between([model.modelId, 0], [model.modelId, Number.MAX_SAFE_INTEGER])
    .count();
  if (count === 0) return null;
  return { ...model, blocks: blocksOf(model.modelId, model.dimensions, blockChunks) };
}
