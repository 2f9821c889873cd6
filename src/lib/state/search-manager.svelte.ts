// Hybrid search as the user types: keyword results show at once, then the semantic side (which
// embeds the query with the local model) is fused in; when either index changes, the query runs
// again.
//
// What is on screen always answers what is in the box. Every run has a number and a key (query,
// mode, filters); an answer is painted only if its key is the current one and it is newer than
// what is shown, so a slow answer to an earlier query, or an older run of the same query, never
// replaces a newer one. Until the current key is answered, `pending` is true and the view shows
// the older results as stale, never its count as if it were this query's.
import type { SearchFilters, SearchHit } from '../types';
import type { IndexStatus, SearchResponse } from '../search/search-handlers';
import type { SemanticUnavailable } from '../search/memory-types';
import type { SearchClient } from '../search/search-client';
import type { MemoryClient } from '../search/memory-client';
import { fuseHybrid, type HybridHit } from '../search/hybrid';
import { errorMessage } from '../errors';

export const resultLimit = 30;
/** The query is embedded once typing pauses this long: each embedding costs a model run. */
const semanticDelayMs = 150;
/**
 * While the index changes (an import), the query runs again at most this often: a throttle, not
 * a debounce, which progress events every 250 ms would postpone until indexing ends.
 */
const rerunEveryMs = 500;

/** What results match on: both fused, or one side alone. */
export type SearchMode = 'hybrid' | 'semantic' | 'keyword';

export interface FilterInputs {
  kind: '' | 'note' | 'journal';
  tag: string;
  from: string;
  to: string;
  folder: string;
}

/** How much of the vault the shown answer searched: fewer than all while indexing. */
export interface Coverage {
  indexedCount: number;
  noteCount: number;
  /** Only titles, tags and paths were searched: the index was still being restored. */
  restoring: boolean;
  /** The restored index had not yet checked for notes changed since the last start. */
  checking: boolean;
}

/** The two workers and a timer, passed in so the ordering rules can be tested without them. */
export interface SearchDeps {
  keyword: () => Pick<SearchClient, 'call' | 'on'>;
  semantic: { connect: () => void; client: () => Pick<MemoryClient, 'call'> };
  sleep: (ms: number) => Promise<void>;
}

type ChunkHitList = Parameters<typeof fuseHybrid>[1];

/** The latest keyword answer accepted, and the run it came from. */
interface KeywordAnswer {
  seq: number;
  key: string;
  query: string;
  response: SearchResponse;
}

/** The latest semantic answer accepted: nearest chunks, and jump targets for keyword hits. */
interface SemanticAnswer {
  seq: number;
  key: string;
  hits: ChunkHitList;
  jumps: ChunkHitList;
  unavailable: SemanticUnavailable | null;
  tookMs: number;
}

export class SearchManager {
  query = $state('');
  mode = $state<SearchMode>('hybrid');
  filters = $state<FilterInputs>({ kind: '', tag: '', from: '', to: '', folder: '' });
  results = $state.raw<HybridHit[]>([]);
  /** Why the semantic side did not answer the shown results, or null when it did. */
  semanticOff = $state<SemanticUnavailable | null>(null);
  /** Semantic search errors stay apart from keyword ones: keyword results still show. */
  semanticError = $state<string | null>(null);
  total = $state(0);
  tookMs = $state(0);
  /** The query the shown results answer. */
  answered = $state('');
  coverage = $state.raw<Coverage | null>(null);
  status = $state.raw<IndexStatus | null>(null);
  folders = $state.raw<string[]>([]);
  tags = $state.raw<string[]>([]);
  error = $state<string | null>(null);
  /** The key (query, mode, filters) of the shown results. */
  #answeredKey = $state('');
  /** True while the box holds a query whose answer is not on screen yet. */
  readonly pending = $derived(this.query.trim() !== '' && this.#answeredKey !== this.#key());

  #deps: SearchDeps;
  #client: Pick<SearchClient, 'call' | 'on'> | null = null;
  #seq = 0;
  #keyword: KeywordAnswer | null = null;
  #semantic: SemanticAnswer | null = null;
  #rerun: ReturnType<typeof setTimeout> | undefined;
  #semanticRerun: ReturnType<typeof setTimeout> | undefined;

  constructor(deps: SearchDeps) {
    this.#deps = deps;
  }

  #key(): string {
    const { kind, tag, from, to, folder } = this.filters;
    return JSON.stringify([this.query, this.mode, kind, tag, from, to, folder]);
  }

  #connect(): Pick<SearchClient, 'call' | 'on'> {
    if (this.#client) return this.#client;
    const client = this.#deps.keyword();
    client.on('status', (status) => {
      this.status = status;
      if (this.#rerun !== undefined) return;
      // The index changed: the same query again, keeping the semantic answer it already has.
      this.#rerun = setTimeout(() => {
        this.#rerun = undefined;
        void this.run({ keepSemantic: true });
      }, rerunEveryMs);
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

  /** The vault's folders and tags, for the filters. */
  async loadFilters(): Promise<void> {
    try {
      const client = this.#connect();
      [this.folders, this.tags] = await Promise.all([
        client.call('folders', undefined),
        client.call('tags', undefined),
      ]);
    } catch (error) {
      this.error = errorMessage(error);
    }
  }

  /** New vectors arrive in batches while indexing: the open query re-runs at most every 2 s. */
  semanticChanged(): void {
    if (this.#semanticRerun !== undefined || this.query.trim() === '') return;
    this.#semanticRerun = setTimeout(() => {
      this.#semanticRerun = undefined;
      void this.run();
    }, 2_000);
  }

  #activeFilters(): SearchFilters {
    const { kind, tag, from, to, folder } = this.filters;
    return {
      kind: kind || undefined,
      tag: tag || undefined,
      from: from || undefined,
      to: to || undefined,
      folder: folder || undefined,
    };
  }

  /**
   * Runs the query in the box. Answers are kept only while their key is the box's and only if
   * newer than the answer of the same side already kept; `#render` then paints from both sides.
   */
  async run({ keepSemantic = false }: { keepSemantic?: boolean } = {}): Promise<void> {
    const seq = ++this.#seq;
    const key = this.#key();
    const query = this.query;
    if (query.trim() === '') {
      this.#keyword = this.#semantic = null;
      this.results = [];
      this.total = 0;
      this.answered = '';
      this.coverage = null;
      this.#answeredKey = key;
      return;
    }
    const filters = this.#activeFilters();
    const startedMs = performance.now();
    // Meaning only needs no keyword answer: a failing or busy keyword worker (an import) must not
    // hold it up.
    if (this.mode === 'semantic') {
      if (keepSemantic && this.#semantic?.key === key) return;
      return this.#addSemantic(seq, key, query, filters, [], startedMs);
    }
    let response: SearchResponse;
    try {
      response = await this.#connect().call('search', { query, filters, limit: resultLimit, seq });
    } catch (error) {
      if (key === this.#key()) this.error = errorMessage(error);
      return;
    }
    if (response.superseded) return;
    if (key === this.#key() && seq > (this.#keyword?.key === key ? this.#keyword.seq : 0)) {
      this.#keyword = { seq, key, query, response };
      this.error = null;
      this.#render();
    }
    if (this.mode === 'keyword' || (keepSemantic && this.#semantic?.key === key)) return;
    await this.#addSemantic(seq, key, query, filters, response.hits, startedMs);
  }

  async #addSemantic(
    seq: number,
    key: string,
    query: string,
    filters: SearchFilters,
    keywordHits: SearchHit[],
    startedMs: number,
  ): Promise<void> {
    this.#deps.semantic.connect();
    await this.#deps.sleep(semanticDelayMs);
    // Typing moved on: this query is not embedded at all.
    if (key !== this.#key()) return;
    /** Whether this run's semantic answer is still wanted: the box's key, newer than the kept. */
    const fresh = () =>
      key === this.#key() && seq > (this.#semantic?.key === key ? this.#semantic.seq : 0);
    const accept = (
      answer: Omit<SemanticAnswer, 'seq' | 'key' | 'tookMs'>,
      error: string | null,
    ) => {
      if (!fresh()) return;
      this.semanticError = error;
      const tookMs = performance.now() - startedMs - semanticDelayMs;
      this.#semantic = { seq, key, tookMs, ...answer };
      this.#render();
    };
    try {
      const client = this.#deps.semantic.client();
      const [semantic, jumps] = await Promise.all([
        client.call('search', { query, k: resultLimit, filters }),
        keywordHits.length > 0
          ? client.call('chunksForNotes', { noteIds: keywordHits.map((h) => h.id), query })
          : [],
      ]);
      accept({ hits: semantic.hits, jumps, unavailable: semantic.unavailable }, null);
    } catch (error) {
      // Meaning-only search has nothing else to show: an empty answer, with the error beside it.
      if (this.mode === 'semantic')
        accept({ hits: [], jumps: [], unavailable: null }, errorMessage(error));
      else if (fresh()) this.semanticError = errorMessage(error);
    }
  }

  /** Paints the kept answers that belong to the box's key, if the mode has what it needs. */
  #render(): void {
    const key = this.#key();
    const keyword = this.#keyword?.key === key ? this.#keyword : null;
    const semantic = this.#semantic?.key === key ? this.#semantic : null;
    const semanticOnly = this.mode === 'semantic';
    if (semanticOnly ? !semantic : !keyword) return;
    const keywordHits = semanticOnly || !keyword ? [] : keyword.response.hits;
    const fused = fuseHybrid(keywordHits, semantic?.hits ?? [], semantic?.jumps ?? []);
    this.results = fused;
    const keywordTotal = semanticOnly || !keyword ? 0 : keyword.response.total;
    // Notes the semantic side added to the keyword matches.
    this.total = keywordTotal + fused.filter((h) => !h.sources.includes('keyword')).length;
    const semanticIsNewer = semantic && (!keyword || semantic.seq >= keyword.seq);
    this.tookMs = semanticIsNewer ? semantic.tookMs : (keyword?.response.tookMs ?? 0);
    this.answered = keyword?.query ?? this.query;
    this.coverage =
      keyword && !semanticOnly
        ? {
            indexedCount: keyword.response.indexedCount,
            noteCount: keyword.response.noteCount,
            restoring: keyword.response.restoring,
            checking: keyword.response.checking,
          }
        : null;
    if (this.mode === 'keyword') this.semanticOff = null;
    else if (semantic) this.semanticOff = semantic.unavailable;
    this.#answeredKey = key;
  }
}
