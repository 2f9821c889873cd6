// Keyword search as the user types. Only the latest query's answer is shown, so a slow early
// answer never replaces a newer one; when the index changes, the open query runs again.
import type { SearchFilters, SearchHit } from '../types';
import type { IndexStatus } from '../search/search-handlers';
import { searchClient, type SearchClient } from '../search/search-client';
import { errorMessage } from '../errors';

const resultLimit = 30;
/** Coalesces the index's change events during an import into a few re-runs. */
const rerunDelayMs = 250;

export interface FilterInputs {
  kind: '' | 'note' | 'journal';
  tag: string;
  from: string;
  to: string;
}

class SearchManager {
  query = $state('');
  filters = $state<FilterInputs>({ kind: '', tag: '', from: '', to: '' });
  results = $state.raw<SearchHit[]>([]);
  total = $state(0);
  tookMs = $state(0);
  /** The query the shown results answer. */
  answered = $state('');
  status = $state.raw<IndexStatus | null>(null);
  error = $state<string | null>(null);

  #client: SearchClient | null = null;
  #seq = 0;
  #rerun: ReturnType<typeof setTimeout> | undefined;

  #connect(): SearchClient {
    if (this.#client) return this.#client;
    const client = searchClient();
    client.on('status', (status) => {
      this.status = status;
      clearTimeout(this.#rerun);
      this.#rerun = setTimeout(() => void this.run(), rerunDelayMs);
    });
    client.on('error', ({ message }) => (this.error = message));
    this.#client = client;
    client.call('status', undefined).then(
      (status) => (this.status ??= status),
      (error: unknown) => (this.error = errorMessage(error)),
    );
    return client;
  }

  /** Starts the worker and fetches its status without searching. */
  connect(): void {
    this.#connect();
  }

  #activeFilters(): SearchFilters {
    const { kind, tag, from, to } = this.filters;
    return {
      kind: kind || undefined,
      tag: tag || undefined,
      from: from || undefined,
      to: to || undefined,
    };
  }

  async run(): Promise<void> {
    const seq = ++this.#seq;
    const query = this.query;
    if (query.trim() === '') {
      this.results = [];
      this.total = 0;
      this.answered = '';
      return;
    }
    try {
      const response = await this.#connect().call('search', {
        query,
        filters: this.#activeFilters(),
        limit: resultLimit,
      });
      if (seq !== this.#seq) return;
      this.results = response.hits;
      this.total = response.total;
      this.tookMs = response.tookMs;
      this.answered = query;
      this.error = null;
    } catch (error) {
      if (seq === this.#seq) this.error = errorMessage(error);
    }
  }
}

export const search = new SearchManager();
