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
  restoredFromSnapshot: boolean;
  /** From worker start to a searchable index (restored or empty, reconciled with the vault). */
  restoreMs: number;
  /**
   * Where `restoreMs` went: reading the snapshot (its terms and notes), opening it, and finding
   * the notes changed since (IndexedDB key reads).
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
