// Whether a restored keyword index can be trusted from a few counts instead of every note's id.
// Reading all live ids (and, after an import stamped with one time, all ids at the watermark)
// was most of a restore at 10k notes and grows with the vault; counts and one index key do not.
//
// The snapshot says what the index saw: its notes, the watermark (the newest `updatedAt` indexed
// and the notes at exactly that time), the notes still waiting, and `deletedMark`, the newest
// trash time among the notes it read (every note trashed at or before it is out of the index or
// waiting). A change made while no index was listening shows as one of: a note written after the
// watermark (listed, and indexed again); a note trashed after the mark (newest trash time moves);
// a note restored from the trash, or deleted for good while live (live count moves); a note
// saved in the watermark's own millisecond (count at the watermark moves). Any disagreement sends
// the restore down the full comparison of ids; an agreement is still checked by that comparison
// after the index is searchable (index-keeper.ts), for changes that happen to cancel out.
import type { NotesCensus } from '../db/search-source';

export interface SnapshotMarks {
  watermarkIds: readonly string[];
  pendingIds: readonly string[];
  /** Absent in snapshots saved before this check existed: those are always compared by ids. */
  deletedMark?: number | undefined;
}

export interface IndexedNotes {
  readonly documentCount: number;
  has(id: string): boolean;
}

export function censusAgrees(census: NotesCensus, marks: SnapshotMarks, index: IndexedNotes) {
  if (marks.deletedMark === undefined) return false;
  // Lower when trashed notes were deleted for good: they were out of the index already.
  if (census.newestDeletedAt > marks.deletedMark) return false;
  // Lower when notes at the watermark were edited (listed in `after`) or deleted for good.
  if (census.atWatermark > marks.watermarkIds.length) return false;
  const added = new Set([...census.after, ...marks.pendingIds].filter((id) => !index.has(id)));
  return census.live === index.documentCount + added.size;
}
