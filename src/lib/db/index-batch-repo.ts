// The indexer's writes, one transaction per embedded batch: labels for the new chunks, their rows
// and vectors, the model's generation, and every note whose chunks all have a vector now, finished
// (its job done, its dropped chunks gone). One commit per batch instead of one per step and per
// note: a commit costs about as much as the whole batch's rows, and each one also wakes every
// other context's Dexie (`storagemutated`). A crash loses the batch being written, never half of it.
//
// The batch transaction never takes `notes` (nor `bodies` or `drafts`). IndexedDB starts a
// read-write transaction only once every earlier one over a store it shares has finished, so an
// editor's save (notes, bodies, drafts) created while a batch of up to 512 vectors is written
// would wait for the whole batch, and every draft write created after that save would wait for
// the save: typing just before a page leaves then sits in queued transactions, which a frozen
// page that the browser evicts never runs (bfcache.e2e.ts). Whether a note changed while it was
// indexed is read just before, over `notes` alone and read-only (no indexing write holds that
// up); an edit saved after that read has its job queued again, which the batch checks.
import { getDb, type ChunkRecord, type EmbedJobRecord, type VectorRecord } from './db';
import { guardQuota } from './quota';
import { generationKey, jobId, labelKey } from './memory-repo';

/** A chunk embedded in this batch: its row (label to be given) and its int8 vector. */
export interface EmbeddedChunk {
  record: ChunkRecord;
  q: Int8Array;
  scale: number;
}

/** A note whose every chunk has a vector once this batch is stored. */
export interface FinishedNote {
  noteId: string;
  /** The note's hash when it was chunked; null when it was gone (its chunks all go). */
  noteHash: string | null;
  /** Its job's `createdAt` when the round took it: another means queued again since. */
  queuedAt: number;
  /** Rows of chunks kept from before whose position or headings changed. */
  moved: ChunkRecord[];
  /** Rows of chunks no longer in the note. */
  dropped: ChunkRecord[];
}

export interface BatchResult {
  /** The vectors written, labels given. */
  added: VectorRecord[];
  removedLabels: number[];
  /** Notes whose job is done (or gone); the others changed meanwhile and stay queued. */
  done: string[];
}

/** The chunks of several notes, read in one transaction with every request in flight at once. */
export async function chunksOfNotes(
  modelId: string,
  noteIds: string[],
): Promise<Map<string, ChunkRecord[]>> {
  const db = getDb();
  const rows = await db.transaction('r', db.chunks, () =>
    Promise.all(
      noteIds.map((noteId) =>
        db.chunks.where('[modelId+noteId]').equals([modelId, noteId]).toArray(),
      ),
    ),
  );
  return new Map(noteIds.map((noteId, i) => [noteId, rows[i]!]));
}

/** The live hash of each note (null: deleted or in the trash), read over `notes` alone. */
async function liveHashes(noteIds: string[]): Promise<(string | null)[]> {
  if (noteIds.length === 0) return [];
  const notes = await getDb().notes.bulkGet(noteIds);
  return notes.map((note) => (note && note.deletedAt === 0 ? note.hash : null));
}

export async function saveBatch(
  modelId: string,
  embedded: EmbeddedChunk[],
  finished: FinishedNote[],
): Promise<BatchResult> {
  const db = getDb();
  const ids = finished.map((n) => n.noteId);
  const live = await liveHashes(ids);
  return guardQuota('the semantic index', () =>
    db.transaction('rw', [db.chunks, db.vectors, db.jobs, db.meta], async () => {
      // Two steps, reads then writes, each with all its requests in flight at once: every step is
      // a turn of the worker's thread, which the model holds for a whole call, so a batch saved
      // while the next one is embedded commits after as few calls as possible.
      const [[labelRow, generationRow], jobs] = await Promise.all([
        db.meta.bulkGet([labelKey(modelId), generationKey(modelId)]),
        db.jobs.bulkGet(ids.map((noteId) => jobId(modelId, noteId))),
      ]);
      const first = (labelRow?.value as number | undefined) ?? 1;
      const chunks = embedded.map((e, i) => ({ ...e.record, label: first + i }));
      const added: VectorRecord[] = embedded.map((e, i) => ({
        chunkId: e.record.id,
        modelId,
        label: first + i,
        q: e.q,
        scale: e.scale,
      }));
      const dropped = finished.flatMap((n) => n.dropped);
      const now = Date.now();
      const changed = added.length > 0 || dropped.length > 0;
      const done: string[] = [];
      const gone: string[] = [];
      const doneJobs: EmbedJobRecord[] = [];
      finished.forEach(({ noteId, noteHash, queuedAt }, i) => {
        const job = jobs[i] as EmbedJobRecord | undefined;
        // Edited while it was embedded (saved before the read above, or queued again after it):
        // the job stays queued and the next round takes the edit.
        if (live[i] !== noteHash || (job && job.createdAt !== queuedAt)) return;
        done.push(noteId);
        if (noteHash === null) gone.push(jobId(modelId, noteId));
        else if (job)
          doneJobs.push({ ...job, status: 'done', payload: { modelId, noteId, noteHash } });
      });
      await Promise.all([
        db.chunks.bulkPut([...chunks, ...finished.flatMap((n) => n.moved)]),
        db.vectors.bulkPut(added),
        db.chunks.bulkDelete(dropped.map((c) => c.id)),
        db.vectors.bulkDelete(dropped.map((c) => c.id)),
        db.meta.bulkPut([
          ...(added.length > 0
            ? [{ key: labelKey(modelId), value: first + added.length, updatedAt: now }]
            : []),
          ...(changed
            ? [
                {
                  key: generationKey(modelId),
                  value: ((generationRow?.value as number | undefined) ?? 0) + 1,
                  updatedAt: now,
                },
              ]
            : []),
        ]),
        db.jobs.bulkDelete(gone),
        db.jobs.bulkPut(doneJobs),
      ]);
      return { added, removedLabels: dropped.map((c) => c.label), done };
    }),
  );
}
