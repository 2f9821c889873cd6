// Decides, for one note's fresh chunks, which already have a vector (same text, same model) and
// which must be embedded. A chunk's id is its text's hash, so moving a paragraph keeps its vector.
import type { NoteChunk } from './embedding-types';
import type { ChunkRecord } from '../db/db';
import { sha256Hex } from '../vault/hash';

export interface PlannedChunk {
  /** The row to keep; `label` is filled in once the vector exists. */
  record: ChunkRecord;
  embedText: string;
  needsVector: boolean;
}

/** 64 bits of SHA-256 are plenty to tell a note's chunks apart. */
const hashChars = 16;

export async function planNote(
  modelId: string,
  noteId: string,
  chunks: NoteChunk[],
  existing: ChunkRecord[],
): Promise<PlannedChunk[]> {
  const byId = new Map(existing.map((c) => [c.id, c]));
  const seen = new Map<string, number>();
  const planned: PlannedChunk[] = [];
  // All at once: each digest is a round trip to the browser's crypto, not work on this thread.
  const hashes = await Promise.all(chunks.map((c) => sha256Hex(c.embedText)));
  for (const [i, chunk] of chunks.entries()) {
    const hash = hashes[i]!.slice(0, hashChars);
    const repeat = seen.get(hash) ?? 0;
    seen.set(hash, repeat + 1);
    const id = `${modelId}|${noteId}|${hash}${repeat ? `~${repeat}` : ''}`;
    const old = byId.get(id);
    planned.push({
      record: {
        id,
        modelId,
        noteId,
        label: old?.label ?? 0,
        hash,
        seq: chunk.seq,
        start: chunk.start,
        end: chunk.end,
        headingPath: chunk.headingPath,
        tokenCount: chunk.tokenCount,
      },
      embedText: chunk.embedText,
      needsVector: !old,
    });
  }
  return planned;
}
