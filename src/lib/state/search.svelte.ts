// Hybrid search as the user types: keyword results show at once, then the semantic side (which
// embeds the query with the local model) is fused in. Only the latest query's answer is shown, so
// a slow early answer never replaces a newer one; when either index changes, the query runs again.
import type { SearchFilters, SearchHit } from '../types';
import type { IndexStatus } from '../search/search-handlers';
import type { SemanticUnavailable } from '../search/memory-types';
import { searchClient, type SearchClient } from '../search/search-client';
import { memoryClient } from '../search/memory-client';
import { fuseHybrid, keywordOnly, type HybridHit } from '../search/hybrid';
import { memory } from './memory.svelte';
import { errorMessage } from '../errors';

const resultLimit = 30;
/** The query is embedded once typing pauses this long: each embedding costs a model run. */
const semanticDelayMs = 150;
/** Coalesces the index's change events during an import into a few re-runs. */
const rerunDelayMs = 250;

/** What results match on: both fused, or one side alone. */
export type SearchMode = 'hybrid' | 'semantic' | 'keyword';

export interface FilterInputs {
  kind: '' | 'note' | 'journal';
  tag: string;
  from: string;
  to: string;
}

class SearchManager {
  query = $state('');
  mode = $state<SearchMode>('hybrid');
  filters = $state<FilterInputs>({ kind: '', tag: '', from: '', to: '' });
  results = $state.raw<HybridHit[]>([]);
  /** Why the semantic side did not answer the shown results, or null when it did. */
  semanticOff = $state<SemanticUnavailable | null>(null);
  /** Semantic search errors stay apart from keyword ones: keyword results still show. */
  semanticError = $state<string | null>(null);
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

  #semanticRerun: ReturnType<typeof setTimeout> | undefined;

  /** New vectors arrive in batches while indexing: the open query re-runs at most every 2 s. */
  semanticChanged(): void {
    if (this.#semanticRerun !== undefined || this.query.trim() === '') return;
    this.#semanticRerun = setTimeout(() => {
      this.#semanticRerun = undefined;
      void this.run();
    }, 2_000);
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
    const filters = this.#activeFilters();
    const startedMs = performance.now();
    try {
      const response = await this.#connect().call('search', {
        query,
        filters,
        limit: resultLimit,
      });
      if (seq !== this.#seq) return;
      const semanticOnly = this.mode === 'semantic';
      if (!semanticOnly) {
        this.results = keywordOnly(response.hits);
        this.total = response.total;
        this.tookMs = response.tookMs;
        this.answered = query;
      }
      this.error = null;
      if (this.mode === 'keyword') {
        this.semanticOff = null;
        return;
      }
      const keyword = semanticOnly ? [] : response.hits;
      await this.#addSemantic(
        seq,
        query,
        filters,
        keyword,
        semanticOnly ? 0 : response.total,
        startedMs,
      );
    } catch (error) {
      if (seq === this.#seq) this.error = errorMessage(error);
    }
  }

  async #addSemantic(
    seq: number,
    query: string,
    filters: SearchFilters,
    keyword: SearchHit[],
    keywordTotal: number,
    startedMs: number,
  ): Promise<void> {
    memory.connect();
    await new Promise((resolve) => setTimeout(resolve, semanticDelayMs));
    if (seq !== this.#seq) return;
    try {
      const client = memoryClient();
      const [semantic, jumps] = await Promise.all([
        client.call('search', { query, k: resultLimit, filters }),
        client.call('chunksForNotes', { noteIds: keyword.map((h) => h.id), query }),
      ]);
      if (seq !== this.#seq) return;
      this.answered = query;
      this.semanticOff = semantic.unavailable;
      this.semanticError = null;
      const fused = fuseHybrid(keyword, semantic.hits, jumps);
      const keywordIds = new Set(keyword.map((h) => h.id));
      this.results = fused;
      this.total = keywordTotal + fused.filter((h) => !keywordIds.has(h.id)).length;
      this.tookMs = performance.now() - startedMs - semanticDelayMs;
    } catch (error) {
      if (seq === this.#seq) this.semanticError = errorMessage(error);
    }
  }
}

export const search = new SearchManager();
