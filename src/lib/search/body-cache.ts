// Recently shown note texts, kept in the search worker so snippets for results seen a keystroke
// ago cost no IndexedDB read. Any change to a note drops its entry; a vault reset drops all.
import { onVaultChange } from '../vault/changes';
import { readBodies } from '../db/search-source';

/** ~1,000 short notes is a few MB of text; the oldest entries go first. */
const maxEntries = 1_000;

export class BodyCache {
  #bodies = new Map<string, string>();

  constructor() {
    onVaultChange((change) => {
      if (change.type === 'vault-reset') this.#bodies.clear();
      else for (const id of change.ids) this.#bodies.delete(id);
    });
  }

  async get(ids: string[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    const missing: string[] = [];
    for (const id of ids) {
      const body = this.#bodies.get(id);
      if (body === undefined) missing.push(id);
      else found.set(id, body);
    }
    if (missing.length > 0) {
      for (const [id, body] of await readBodies(missing)) {
        found.set(id, body);
        this.#bodies.set(id, body);
      }
      for (const id of this.#bodies.keys()) {
        if (this.#bodies.size <= maxEntries) break;
        this.#bodies.delete(id);
      }
    }
    return found;
  }
}
