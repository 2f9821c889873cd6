// The search worker's handler map: keyword search with snippets, index status, folders, rebuild.
import type { SearchFilters, SearchHit } from '../types';
import { IndexKeeper } from './index-keeper';
import type { IndexStatus } from './keeper-status';
import { buildSnippet } from './snippet';
import { BodyCache, type BodyCacheStatus } from './body-cache';
import { RestoreScan } from './restore-scan';
import type { KeywordResults } from './keyword-index';
import { TimeSlicer } from './time-slice';
import { errorMessage } from '../errors';

export type { IndexStatus };

export interface SearchArgs {
  query: string;
  filters?: SearchFilters;
  /** How many hits to return with snippets; `total` still counts every match. */
  limit?: number;
  /**
   * Increasing number of the asking view's request. A search overtaken by a newer one while it
   * waited answers `superseded` without snippets: its answer would never be shown.
   */
  seq?: number;
}

export interface SearchResponse {
  hits: SearchHit[];
  total: number;
  tookMs: number;
  /** Notes whose current text was searched, of `noteCount` known: fewer while indexing. */
  indexedCount: number;
  noteCount: number;
  /**
   * True when the index was still being restored: only titles, tags and paths were searched
   * (restore-scan.ts), and `indexedCount` is 0.
   */
  restoring: boolean;
  /**
   * True when the restored index answered before it had checked the vault for notes changed
   * while no index was listening (index-keeper.ts): those may be missing or out of date.
   */
  checking: boolean;
  superseded: boolean;
  /** Where `tookMs` went: ranking in the index, reading bodies, building snippets. */
  phases: { rankMs: number; readMs: number; snippetMs: number };
}

/** Push events from the search worker. */
export type SearchEvents = {
  /** After the index changed: open views re-run their query. */
  status: IndexStatus;
  error: { message: string };
};

export type SearchHandlers = ReturnType<typeof createSearchService>['handlers'];

const defaultLimit = 50;

/**
 * The keyword index and the handler map the search worker serves. `dispose` is kept out of the
 * map (no page may call it): a worker's index ends with its page, but tests create several in one
 * process, where an index left running keeps following vault changes and writes its snapshot,
 * seconds later, over the one a later test is restoring.
 */
export function createSearchService(
  emit: <K extends keyof SearchEvents>(name: K, payload: SearchEvents[K]) => void,
) {
  const bodyCache = new BodyCache();
  const keeper = new IndexKeeper({
    status: (status) => emit('status', status),
    error: (message) => emit('error', { message }),
    indexed: (id, body) => bodyCache.remember(id, body),
  });
  // Once the index is idle, the vault's texts are read into memory in the background.
  void keeper
    .settled()
    .then(() => bodyCache.warm(new TimeSlicer(8).pause))
    .catch((error: unknown) =>
      emit('error', {
        message: `Note texts could not be read for snippets: ${errorMessage(error)}`,
      }),
    );
  const restoreScan = new RestoreScan();
  let newestSeq = -Infinity;

  async function ready(): Promise<void> {
    await keeper.ready;
    if (keeper.loadError) throw keeper.loadError;
  }

  type Ranked = KeywordResults &
    Pick<SearchResponse, 'indexedCount' | 'noteCount' | 'restoring' | 'checking'>;

  /** From the index once it is restored; until then from titles, tags and paths. */
  async function rank(query: string, filters: SearchFilters, limit: number): Promise<Ranked> {
    if (!keeper.status.ready && !keeper.loadError) {
      try {
        const found = await restoreScan.find(query, filters, limit);
        const noteCount = await restoreScan.noteCount();
        return { ...found, indexedCount: 0, noteCount, restoring: true, checking: false };
      } catch {
        // The notes could not be read beside the restore: the restore itself says why, or ends.
      }
    }
    await ready();
    const found = await keeper.index.findRead(query, filters, limit);
    const { indexedCount, noteCount, checking } = keeper.status;
    return { ...found, indexedCount, noteCount, restoring: false, checking };
  }

  const handlers = {
    async search({
      query,
      filters = {},
      limit = defaultLimit,
      seq,
    }: SearchArgs): Promise<SearchResponse> {
      const startedMs = performance.now();
      if (seq !== undefined) newestSeq = Math.max(newestSeq, seq);
      const rankStartMs = performance.now();
      const { matches, total, indexedCount, noteCount, restoring, checking } = await rank(
        query,
        filters,
        limit,
      );
      const readStartMs = performance.now();
      const bodies = await bodyCache.get(matches.map((m) => m.id));
      const snippetStartMs = performance.now();
      const answer = { total, indexedCount, noteCount, restoring, checking };
      if (seq !== undefined && seq < newestSeq) {
        const phases = {
          rankMs: readStartMs - rankStartMs,
          readMs: snippetStartMs - readStartMs,
          snippetMs: 0,
        };
        return {
          ...answer,
          hits: [],
          tookMs: snippetStartMs - startedMs,
          superseded: true,
          phases,
        };
      }
      const hits: SearchHit[] = matches.map(({ terms, ...match }) => ({
        ...match,
        snippet: buildSnippet(bodies.get(match.id) ?? '', query, terms),
      }));
      const doneMs = performance.now();
      const phases = {
        rankMs: readStartMs - rankStartMs,
        readMs: snippetStartMs - readStartMs,
        snippetMs: doneMs - snippetStartMs,
      };
      return { ...answer, hits, tookMs: doneMs - startedMs, superseded: false, phases };
    },

    status(): IndexStatus {
      return keeper.status;
    },

    /** How many note texts the worker holds for snippets (for benches and diagnostics). */
    bodyCacheStatus(): BodyCacheStatus {
      return bodyCache.status;
    },

    /**
     * Tags of the notes (not in the trash), for the tag filter: from the index, not IndexedDB,
     * whose distinct tags take a cursor step each (243 steps, 270-620 ms at 10k notes, beside
     * the restore at start).
     */
    async tags(): Promise<string[]> {
      await ready();
      return keeper.index.tags();
    },

    /** Folders that hold notes (each with its ancestors), for the folder filter. */
    async folders(): Promise<string[]> {
      await ready();
      return keeper.index.folders();
    },

    async rebuild(): Promise<IndexStatus> {
      await ready();
      await keeper.rebuild();
      return keeper.status;
    },
  };
  return { handlers, dispose: () => keeper.dispose() };
}
