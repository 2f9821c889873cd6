// Note texts kept in the search worker, so a snippet seldom waits for IndexedDB: there, each
// note read at random cost 1–1.5 ms on a busy 2-core machine (20 a search: most of its time).
// Texts come from three places: every note the index just indexed, a sequential scan of the
// vault once the index is idle (reading by key range is far cheaper than reading at random), and
// reads for hits not held yet. Bodies are kept without frontmatter (parsing the YAML again for
// every snippet cost more than the snippet). Any change to a note drops its text; a vault reset
// drops all. Past `maxChars` the least recently used texts go first.
import { onVaultChange } from '../vault/changes';
import { readBodies, readBodiesAfter } from '../db/search-source';
import { splitFrontmatter } from '../vault/frontmatter';
import type { Pause } from './keyword-codec';

/** About the text of a 25–50 MB vault (V8 keeps Latin-1 text at a byte a character). */
const maxChars = 24_000_000;
const scanBatch = 64;

export interface BodyCacheStatus {
  notes: number;
  chars: number;
  /** True once the scan of the vault is done (or stopped at `maxChars`). */
  warm: boolean;
}

export class BodyCache {
  #bodies = new Map<string, string>();
  #chars = 0;
  /** Counts changes, so a read that a change overtook is not kept. */
  #changes = 0;
  #warm = false;

  constructor() {
    onVaultChange((change) => {
      this.#changes++;
      if (change.type === 'vault-reset') {
        this.#bodies.clear();
        this.#chars = 0;
      } else for (const id of change.ids) this.#drop(id);
    });
  }

  get status(): BodyCacheStatus {
    return { notes: this.#bodies.size, chars: this.#chars, warm: this.#warm };
  }

  /** Keeps a text just indexed (already without frontmatter). */
  remember(id: string, body: string): void {
    this.#put(id, body);
  }

  /** The texts (frontmatter removed) of the notes that exist, by id. */
  async get(ids: string[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    const missing: string[] = [];
    for (const id of ids) {
      const body = this.#bodies.get(id);
      if (body === undefined) missing.push(id);
      else {
        // Map order is insertion order: re-inserting marks the entry as recently used.
        this.#bodies.delete(id);
        this.#bodies.set(id, body);
        found.set(id, body);
      }
    }
    if (missing.length > 0) {
      const changesBefore = this.#changes;
      for (const [id, content] of await readBodies(missing)) {
        const body = splitFrontmatter(content).body;
        found.set(id, body);
        if (this.#changes === changesBefore) this.#put(id, body);
      }
    }
    return found;
  }

  /** Reads the whole vault in key order, a batch at a time, until full; `pause` between. */
  async warm(pause?: Pause): Promise<void> {
    let after: string | null = null;
    while (this.#chars < maxChars) {
      const changesBefore = this.#changes;
      const batch = await readBodiesAfter(after, scanBatch);
      if (batch.length === 0) break;
      after = batch.at(-1)!.id;
      for (const { id, content } of batch) {
        if (this.#changes !== changesBefore || this.#bodies.has(id)) continue;
        // A scan never pushes out a text kept because it was shown or indexed.
        this.#put(id, splitFrontmatter(content).body, false);
        await pause?.();
      }
    }
    this.#warm = true;
  }

  #put(id: string, body: string, evict = true): void {
    this.#drop(id);
    if (evict && this.#chars + body.length > maxChars) this.#evict(body.length);
    if (this.#chars + body.length > maxChars) return;
    this.#bodies.set(id, body);
    this.#chars += body.length;
  }

  #evict(room: number): void {
    for (const [id] of this.#bodies) {
      if (this.#chars + room <= maxChars) break;
      this.#drop(id);
    }
  }

  #drop(id: string): void {
    const body = this.#bodies.get(id);
    if (body === undefined) return;
    this.#chars -= body.length;
    this.#bodies.delete(id);
  }
}
