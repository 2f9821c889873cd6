// What the keyword index keeper (index-keeper.ts) tells the search worker's clients about itself.
import type { RestoreCheck, RestorePhases } from './keyword-snapshot';

export interface IndexStatus {
  ready: boolean;
  documentCount: number;
  /** Notes whose current text is indexed: what a search covers fully right now. */
  indexedCount: number;
  /** Notes the index will hold once it has caught up (indexed plus waiting). */
  noteCount: number;
  /** True while notes wait to be indexed. */
  indexing: boolean;
  /**
   * True from the moment a restored index answers searches until it has checked the vault for
   * notes changed while no index was listening (a few counts, or every note's id): answers given
   * meanwhile may miss those changes, and say so.
   */
  checking: boolean;
  restoredFromSnapshot: boolean;
  /** From worker start to a searchable index (restored, or empty and knowing what to index). */
  restoreMs: number;
  /** From worker start to the end of that check (0 until it ends). */
  checkedMs: number;
  /**
   * Where the restore went: reading the snapshot (its terms and notes) and opening it (both in
   * `restoreMs`), then finding the notes changed since (IndexedDB key reads; in `checkedMs`).
   */
  restorePhases: RestorePhases;
  /** Size of the last snapshot saved or restored, 0 if none yet. */
  snapshotBytes: number;
  /** True while changes wait to be saved in a snapshot. */
  persistPending: boolean;
  /** Notes (re-)indexed at start because the snapshot lacked them or had an older version. */
  reindexedOnStart: number;
  /** How the restore found what changed while no index was listening (keyword-snapshot.ts). */
  restoreCheck: RestoreCheck;
}

export interface IndexKeeperEvents {
  status: (status: IndexStatus) => void;
  error: (message: string) => void;
  /** A note was indexed: its text without frontmatter, for snippets. */
  indexed?: (id: string, body: string) => void;
}
