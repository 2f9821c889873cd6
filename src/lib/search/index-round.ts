// One indexing round's plan: the round's notes read in one transaction and their stored chunks in
// another, each note chunked, and what must be embedded listed in note order, each note marked
// with the position of its last new chunk, so the batch that embeds it can finish the note too.
import type { ChunkOptions } from './embedding-types';
import type { ChunkRecord } from '../db/db';
import type { FinishedNote } from '../db/index-batch-repo';
import { chunkNote } from './chunker';
import { planNote, type PlannedChunk } from './chunk-plan';
import { chunksOfNotes } from '../db/index-batch-repo';
import { readNotesForIndex } from '../db/search-source';
import { errorMessage } from '../errors';

export interface RoundPlan {
  /** Chunks without a vector, in note order. */
  toEmbed: PlannedChunk[];
  /** Every note of the round that chunked, with the count of `toEmbed` it needs stored first. */
  notes: { finish: FinishedNote; after: number }[];
  /** Notes that could not be chunked, with the reason. */
  failed: { noteId: string; error: string }[];
}

/** Rows kept whose place in the note changed: they are written again with the note. */
function movedRows(planned: PlannedChunk[], existing: Map<string, ChunkRecord>): ChunkRecord[] {
  const same = (a: ChunkRecord, b: ChunkRecord) =>
    a.seq === b.seq &&
    a.start === b.start &&
    a.end === b.end &&
    a.tokenCount === b.tokenCount &&
    a.headingPath.join('\u0000') === b.headingPath.join('\u0000');
  return planned
    .filter((c) => !c.needsVector)
    .map((c) => c.record)
    .filter((r) => !same(r, existing.get(r.id)!));
}

/** A queued note as the round took it: `queuedAt` is its job's `createdAt` then. */
export interface RoundNote {
  noteId: string;
  queuedAt: number;
}

export async function planRound(
  modelId: string,
  round: RoundNote[],
  optionsFor: (title: string) => ChunkOptions,
): Promise<RoundPlan> {
  const noteIds = round.map((n) => n.noteId);
  const [notes, stored] = await Promise.all([
    readNotesForIndex(noteIds),
    chunksOfNotes(modelId, noteIds),
  ]);
  const byId = new Map(notes.map((n) => [n.id, n]));
  const plan: RoundPlan = { toEmbed: [], notes: [], failed: [] };
  for (const { noteId, queuedAt } of round) {
    const existing = new Map((stored.get(noteId) ?? []).map((c) => [c.id, c]));
    const note = byId.get(noteId);
    const live = note && note.deletedAt === 0 ? note : null;
    try {
      const chunks = live ? chunkNote(live.content, optionsFor(live.title)) : [];
      const planned = await planNote(modelId, noteId, chunks, [...existing.values()]);
      const keep = new Set(planned.map((c) => c.record.id));
      plan.toEmbed.push(...planned.filter((c) => c.needsVector));
      plan.notes.push({
        finish: {
          noteId,
          noteHash: live?.hash ?? null,
          queuedAt,
          moved: movedRows(planned, existing),
          dropped: [...existing.values()].filter((c) => !keep.has(c.id)),
        },
        after: plan.toEmbed.length,
      });
    } catch (error) {
      plan.failed.push({ noteId, error: errorMessage(error) });
    }
  }
  return plan;
}
