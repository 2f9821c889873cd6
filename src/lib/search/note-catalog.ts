// Every note's filterable metadata (kind, tags, date, path, trashed), held in the memory worker so
// a semantic search can pick the chunks to rank before it ranks them. Loaded once on first use
// (metadata rows only, no note text) and kept in step with vault changes from every context.
import type { Note, SearchFilters } from '../types';
import type { VaultChange } from '../vault/changes';
import { matchesNoteFilters } from './note-filters';
import { readNoteMetadata } from '../db/memory-repo';

export type NoteMeta = Pick<Note, 'id' | 'kind' | 'tags' | 'date' | 'path' | 'deletedAt'>;

export class NoteCatalog {
  #notes = new Map<string, NoteMeta>();
  #loading: Promise<void> | undefined;
  /** Changes chained so that a slow read never overwrites a newer one. */
  #changes: Promise<void> = Promise.resolve();

  /** Resolves once every note has been read (the first call starts the read). */
  ready(): Promise<void> {
    this.#loading ??= this.#reload().catch((error: unknown) => {
      this.#loading = undefined;
      throw error;
    });
    return this.#loading.then(() => this.#changes);
  }

  async #reload(): Promise<void> {
    const notes = await readNoteMetadata();
    this.#notes = new Map(notes.map((n) => [n.id, n]));
  }

  /** Re-reads the notes a change names (all of them after a reset), once loaded. */
  apply(change: VaultChange): Promise<void> {
    this.#changes = this.#changes
      .then(async () => {
        if (!this.#loading) return;
        await this.#loading;
        if (change.type === 'vault-reset') return this.#reload();
        const fresh = new Map((await readNoteMetadata(change.ids)).map((n) => [n.id, n]));
        for (const id of change.ids) {
          const note = fresh.get(id);
          if (note) this.#notes.set(id, note);
          else this.#notes.delete(id);
        }
      })
      .catch(() => {
        // A failed read leaves the catalog stale: read it all again on the next search.
        this.#loading = undefined;
      });
    return this.#changes;
  }

  /** Ids of the live notes that pass `filters`. */
  matching(filters: SearchFilters): string[] {
    const out: string[] = [];
    for (const note of this.#notes.values())
      if (note.deletedAt === 0 && matchesNoteFilters(note, filters)) out.push(note.id);
    return out;
  }
}
