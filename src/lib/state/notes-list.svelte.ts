// The recent-notes list and vault counts, kept live by Dexie's liveQuery.
import type { Note } from '../types';
import { observeCounts, observeNotes } from '../db/notes-repo';
import { errorMessage } from '../errors';
import { vaultLoss } from './vault-loss.svelte';

const pageSize = 100;

export class NotesList {
  items = $state.raw<Note[]>([]);
  loaded = $state(false);
  limit = $state(pageSize);
  error = $state<string | null>(null);
  readonly trashed: boolean;

  constructor(options: { trashed?: boolean } = {}) {
    this.trashed = options.trashed ?? false;
  }

  /** Subscribes while the calling component lives; call inside `$effect`, returns the teardown. */
  track(): () => void {
    return observeNotes(
      { limit: this.limit, trashed: this.trashed },
      (notes) => {
        this.items = notes;
        this.loaded = true;
      },
      (error) => (this.error = errorMessage(error)),
    );
  }

  showMore(): void {
    this.limit += pageSize;
  }
}

class VaultCounts {
  live = $state(0);
  trashed = $state(0);
  loaded = $state(false);

  track(): () => void {
    return observeCounts((counts) => {
      this.live = counts.live;
      this.trashed = counts.trashed;
      this.loaded = true;
      void vaultLoss.recordCount(counts.live + counts.trashed);
    });
  }
}

export const vaultCounts = new VaultCounts();
