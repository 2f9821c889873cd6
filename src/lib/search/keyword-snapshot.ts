// The keyword index's snapshot, for the keeper (index-keeper.ts): what a save writes, and how a
// start finds its index again: the saved snapshot if it is of this format and readable, else an
// empty one, then what changed in the vault while no index was listening. That check is a few
// counts when they agree with the snapshot (restore-check.ts), every note's id otherwise.
import { KeywordIndex } from './keyword-index';
import type { Pause } from './keyword-codec';
import { SnapshotFormatError } from './snapshot-error';
import { errorMessage } from '../errors';
import * as source from '../db/search-source';
import { Watermark } from './watermark';
import { derivedTagsVersion } from '../db/derived-tags-repo';
import { readNoteMetadata } from '../db/memory-repo';
import { censusAgrees } from './restore-check';

/**
 * A snapshot also records which tag rules (derived-tags-repo.ts) the vault followed when its
 * keeper started. Re-deriving tags (rederive-tags.ts) changes them without touching `updatedAt`,
 * so the watermark cannot see it: when the rules differ from the snapshot's, the tags of every
 * note are compared with the indexed ones once (metadata only) and the notes that differ are
 * indexed again. Older snapshots have no version (0).
 */
export type KeeperSnapshot = source.SearchSnapshot & KeeperMarks;
type KeeperHead = source.SearchSnapshotHead & KeeperMarks;
interface KeeperMarks {
  tagsVersion?: number;
  /** The newest trash time among notes the index read (restore-check.ts); absent before. */
  deletedMark?: number;
}

/** Bump when the tokenizer or index format change, so older snapshots are rebuilt. */
export const snapshotFormatVersion = 6;

/**
 * How the restore found what changed while no index was listening: a few counts (then the ids
 * are compared after the index is searchable), or every note's id; 'none' without a snapshot.
 */
export type RestoreCheck = 'counts' | 'ids' | 'none';

export interface RestorePhases {
  readMs: number;
  openMs: number;
  /** The check for changes made while no index was listening; 0 until it has run. */
  reconcileMs: number;
}

/**
 * What the snapshot recorded beside the index, for the check that follows the restore; its id
 * lists are read by the check (search-source.ts says why).
 */
interface RestoredMarks {
  stamp: string;
  tagsVersion: number;
  deletedMark: number | undefined;
}

/** A start's index, searchable, not yet checked against the vault (`checkRestoredIndex`). */
export interface OpenedIndex {
  index: KeywordIndex;
  /** Its time only: the ids written at that time come with the check. */
  watermark: Watermark;
  /** The tag rules the vault followed when this start read them. */
  tagsVersion: number;
  restoredFromSnapshot: boolean;
  /** Measured when the snapshot was saved (0 without one). */
  snapshotBytes: number;
  phases: Omit<RestorePhases, 'reconcileMs'>;
  /** Undefined without a usable snapshot. */
  marks: RestoredMarks | undefined;
}

/** What the check found, for the keeper to take over. */
export interface CheckedIndex {
  /** The snapshot's watermark with the ids written at its time. */
  watermark: Watermark;
  /**
   * The snapshot's id lists were missing or of another save (another tab saved in between): the
   * notes it had waiting are unknown, so the index must be built again.
   */
  unreadable: boolean;
  deletedMark: number;
  restoreCheck: RestoreCheck;
  /** Notes to index (again) now: changed, waiting in the snapshot, or missing from it. */
  stale: Set<string>;
  /** Set when the counts were trusted: the ids are compared once more afterwards. */
  toVerify: { watermark: Watermark; queued: Set<string> } | undefined;
  /** The snapshot is out of date even if nothing is stale: save a new one soon. */
  saveSoon: boolean;
  reconcileMs: number;
}

const utf8Bytes = (text: string) => new TextEncoder().encode(text).byteLength;

function snapshotBytes(data: source.KeywordIndexData, parts: number): number {
  const { pairCounts, byteCounts, pageAnchors, partAt, docs } = data;
  const arrays =
    pairCounts.byteLength + byteCounts.byteLength + pageAnchors.byteLength + partAt.byteLength;
  const docBytes = docs.lengths.byteLength + docs.fieldLengths.byteLength + utf8Bytes(docs.text);
  return arrays + parts + utf8Bytes(data.terms) + docBytes;
}

const newStamp = () => `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;

/** What a snapshot records beside the index: see KeeperSnapshot and restore-check.ts. */
export interface SnapshotMarks {
  watermark: Watermark;
  pendingIds: string[];
  tagsVersion: number;
  deletedMark: number;
}

/**
 * Writes a compact copy of `index` with `marks`, pausing for searches as it serializes; returns
 * its size. The index must not change until it resolves.
 */
export async function saveKeywordSnapshot(
  index: KeywordIndex,
  marks: SnapshotMarks,
  pause: Pause,
): Promise<number> {
  const { index: data, parts } = await index.serialize(pause);
  const partBytes = parts.reduce((sum, part) => sum + part.byteLength, 0);
  const snapshot: KeeperSnapshot = {
    formatVersion: snapshotFormatVersion,
    index: data,
    sizeBytes: snapshotBytes(data, partBytes),
    stamp: newStamp(),
    ...marks.watermark.toJSON(),
    pendingIds: marks.pendingIds,
    tagsVersion: marks.tagsVersion,
    deletedMark: marks.deletedMark,
  };
  await source.saveSearchSnapshot(snapshot, parts);
  return snapshot.sizeBytes;
}

const sameTags = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((tag, i) => tag === b[i]);

/**
 * Restores the saved index, or starts an empty one; `onError` hears of an unreadable snapshot.
 * The index is searchable when this resolves; what changed in the vault meanwhile is found by
 * `checkRestoredIndex`, which the keeper runs while searches are already answered.
 */
export async function openKeywordIndex(onError: (message: string) => void): Promise<OpenedIndex> {
  // Marks, so that a trace of start-up (bench/restore-trace.bench.mjs) can place the phases.
  const startedMs = performance.mark('keyword-restore:start').startTime;
  // The tag rules are read before the notes: a re-derivation finishing meanwhile is seen at
  // the next start.
  const [snapshot, tagsVersion]: [KeeperHead | undefined, number] = await Promise.all([
    source.loadSearchSnapshotHead(),
    derivedTagsVersion(),
  ]);
  const readMs = performance.mark('keyword-restore:read').startTime;
  const opened: OpenedIndex = {
    index: KeywordIndex.create(),
    watermark: new Watermark(),
    tagsVersion,
    restoredFromSnapshot: false,
    snapshotBytes: 0,
    phases: { readMs: readMs - startedMs, openMs: 0 },
    marks: undefined,
  };
  // Older formats (3: postings in the same record; 4: notes as objects, three arrays of
  // numbers per term; 5: no page anchors) are rebuilt from the notes, and the first save
  // replaces them.
  if (snapshot?.formatVersion === snapshotFormatVersion) {
    try {
      const { stamp } = snapshot;
      opened.index = KeywordIndex.restore(snapshot.index, async (parts) => {
        const read = await source.loadSearchSnapshotParts(parts, stamp);
        return read.map((bytes) => {
          if (!bytes) throw new SnapshotFormatError('A part of the keyword index is missing.');
          return bytes;
        });
      });
      opened.watermark = new Watermark(snapshot.watermark);
      opened.restoredFromSnapshot = true;
      // Measured when it was saved: encoding the terms again here cost 100-400 ms.
      opened.snapshotBytes = snapshot.sizeBytes;
      opened.marks = {
        stamp,
        tagsVersion: snapshot.tagsVersion ?? 0,
        deletedMark: snapshot.deletedMark,
      };
    } catch (error) {
      onError(`The saved search index was unreadable and is being rebuilt: ${errorMessage(error)}`);
      opened.index = KeywordIndex.create();
    }
  }
  opened.phases.openMs = performance.mark('keyword-restore:open').startTime - readMs;
  return opened;
}

/**
 * Finds what changed in the vault while no index was listening, and drops from the index the
 * notes that are gone. Changes nothing else, so a failed check can simply be run again.
 */
export async function checkRestoredIndex(opened: OpenedIndex): Promise<CheckedIndex> {
  const startedMs = performance.now();
  const { index, tagsVersion, marks } = opened;
  const retagCheck = !!marks && marks.tagsVersion !== tagsVersion;
  const [ids, retagged, census] = await Promise.all([
    marks && source.loadSearchSnapshotIds(marks.stamp),
    retagCheck ? retaggedNotes(index) : [],
    marks && source.notesCensus(opened.watermark.ms),
  ]);
  const watermark = new Watermark(opened.watermark.ms, ids?.watermarkIds);
  const result: CheckedIndex = {
    watermark,
    unreadable: !!marks && !ids,
    deletedMark: 0,
    restoreCheck: 'none',
    stale: new Set(),
    toVerify: undefined,
    // After a check of the tags, saved even when no note differed: otherwise the snapshot keeps
    // its older version and every start reads every note again (issue 13: 0.8-1.2 s of a 10k
    // restore, and the likeliest cause of the 6 s at 100k).
    saveSoon: retagCheck,
    reconcileMs: 0,
  };
  let gone: string[] = [];
  if (result.unreadable) {
    result.stale = new Set(await source.liveNoteIds());
    result.watermark = new Watermark();
    result.saveSoon = true;
    return result;
  }
  const pendingIds = ids?.pendingIds ?? [];
  if (census && marks && ids && censusAgrees(census, { ...marks, ...ids }, index)) {
    // Notes waiting or found stale are read again, and those no longer live dropped then.
    result.stale = new Set([...census.after, ...pendingIds, ...retagged]);
    result.deletedMark = marks.deletedMark!;
    result.toVerify = { watermark: watermark.copy(), queued: new Set(result.stale) };
    result.restoreCheck = 'counts';
  } else {
    const found = await compareIds(index, watermark, [...pendingIds, ...retagged]);
    ({ stale: result.stale, gone } = found);
    result.deletedMark = found.newestDeletedAt;
    if (marks) result.restoreCheck = 'ids';
    // Saved again even with nothing changed, so that the next start can trust the counts.
    if (census) result.saveSoon = true;
  }
  index.remove(gone);
  performance.mark('keyword-restore:reconciled');
  result.reconcileMs = performance.now() - startedMs;
  if (gone.length > 0 || result.stale.size > 0) result.saveSoon = true;
  return result;
}

/**
 * Every live note's id against the index (trash and restore do not touch `updatedAt`), and the
 * notes written since the watermark: what is stale (including `also`, if live) and what is gone.
 */
export async function compareIds(
  index: KeywordIndex,
  watermark: Watermark,
  also: string[],
): Promise<{ stale: Set<string>; gone: string[]; newestDeletedAt: number }> {
  const [live, written] = await Promise.all([
    source.liveNotes(),
    source.noteIdsWrittenSince(watermark.ms),
  ]);
  const changed = [...written.after, ...written.at.filter((id) => !watermark.has(id))];
  const liveSet = new Set(live.ids);
  const stale = new Set([
    ...[...changed, ...also].filter((id) => liveSet.has(id)),
    ...live.ids.filter((id) => !index.has(id)),
  ]);
  return {
    stale,
    gone: index.ids().filter((id) => !liveSet.has(id)),
    newestDeletedAt: live.newestDeletedAt,
  };
}

/** Indexed notes whose stored tags differ from those they were indexed with. */
async function retaggedNotes(index: KeywordIndex): Promise<string[]> {
  const notes = await readNoteMetadata();
  return notes.flatMap((note) => {
    const indexed = index.tagsOf(note.id);
    return indexed && !sameTags(indexed, note.tags) ? [note.id] : [];
  });
}
