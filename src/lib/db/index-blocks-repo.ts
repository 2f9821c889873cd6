// The vector index's saved snapshot for one embedding model: its byte parts in `indexBlocks`
// (`<modelId>|<part>`) and a header in `meta` (`vector-index:<modelId>`). A save replaces every
// part and the header in one transaction, so a reader sees the old snapshot or the new one, never
// a mix; a load that finds parts and header disagreeing reports no snapshot (the index is rebuilt).
// Saved with it (`vector-notes:<modelId>`): the note of each label, so a restore knows which chunks
// a filter may rank without reading every vector row's key.
import { getDb } from './db';
import { StorageFullError, isRefusedWrite } from '../errors';
import { generationKey } from './memory-repo';

export interface IndexSnapshotHeader {
  /** The adapter that wrote it (`VectorIndex.kind`). */
  kind: string;
  dimensions: number;
  /** Vectors in the snapshot. */
  count: number;
  /** Number of byte parts. */
  parts: number;
  /** The model's write generation the snapshot contains (see memory-repo). */
  generation: number;
  savedAt: number;
}

/** Which note each label of the snapshot belongs to: `notes[noteOf[i]]` for `labels[i]`. */
export interface SavedLabelNotes {
  labels: Uint32Array;
  noteOf: Uint32Array;
  notes: string[];
}

export interface IndexSnapshot {
  header: IndexSnapshotHeader;
  parts: Uint8Array[];
  labelNotes?: SavedLabelNotes | undefined;
}

export const snapshotKey = (modelId: string) => `vector-index:${modelId}`;
export const labelNotesKey = (modelId: string) => `vector-notes:${modelId}`;
const blockKey = (modelId: string, part: number) => `${modelId}|${part}`;

/**
 * Saves a snapshot. With `onlyIfCurrent`, only while `header.generation` is still the rows' own
 * (checked in the same transaction): rows written elsewhere (a restore, in the vault worker) since
 * the index was serialized must never be covered by a snapshot that lacks them. Null when not saved.
 */
export async function saveIndexSnapshot(
  modelId: string,
  header: Omit<IndexSnapshotHeader, 'parts' | 'savedAt'>,
  parts: Uint8Array[],
  labelNotes?: SavedLabelNotes,
  onlyIfCurrent = false,
): Promise<IndexSnapshotHeader | null> {
  const db = getDb();
  const saved: IndexSnapshotHeader = { ...header, parts: parts.length, savedAt: Date.now() };
  try {
    const written = await db.transaction('rw', [db.indexBlocks, db.meta], async () => {
      if (onlyIfCurrent) {
        const generation = ((await db.meta.get(generationKey(modelId)))?.value as number) ?? 0;
        if (generation !== header.generation) return false;
      }
      await db.indexBlocks.where('modelId').equals(modelId).delete();
      await db.indexBlocks.bulkPut(
        parts.map((bytes, part) => ({ key: blockKey(modelId, part), modelId, part, bytes })),
      );
      await db.meta.put({ key: snapshotKey(modelId), value: saved, updatedAt: saved.savedAt });
      if (labelNotes)
        await db.meta.put({
          key: labelNotesKey(modelId),
          value: labelNotes,
          updatedAt: saved.savedAt,
        });
      else await db.meta.delete(labelNotesKey(modelId));
      return true;
    });
    return written ? saved : null;
  } catch (error) {
    if (isRefusedWrite(error)) throw new StorageFullError('the semantic index', { cause: error });
    throw error;
  }
}

/** The saved snapshot, or undefined when there is none or its header and parts disagree. */
export async function loadIndexSnapshot(modelId: string): Promise<IndexSnapshot | undefined> {
  const db = getDb();
  return db.transaction('r', [db.indexBlocks, db.meta], async () => {
    const header = (await db.meta.get(snapshotKey(modelId)))?.value as
      IndexSnapshotHeader | undefined;
    if (!header) return undefined;
    const blocks = await db.indexBlocks.where('modelId').equals(modelId).toArray();
    blocks.sort((a, b) => a.part - b.part);
    if (blocks.length !== header.parts || blocks.some((b, i) => b.part !== i)) return undefined;
    const labelNotes = (await db.meta.get(labelNotesKey(modelId)))?.value as
      SavedLabelNotes | undefined;
    return { header, parts: blocks.map((b) => b.bytes), labelNotes };
  });
}

export async function deleteIndexSnapshot(modelId: string): Promise<void> {
  const db = getDb();
  await db.transaction('rw', [db.indexBlocks, db.meta], async () => {
    await db.indexBlocks.where('modelId').equals(modelId).delete();
    await db.meta.bulkDelete([snapshotKey(modelId), labelNotesKey(modelId)]);
  });
}
