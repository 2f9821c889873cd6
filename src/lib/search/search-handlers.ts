// The search worker's handler map: keyword search with snippets, index status and rebuild.
import type { SearchFilters, SearchHit } from '../types';
import { IndexKeeper, type IndexStatus } from './index-keeper';
import { buildSnippet } from './snippet';
import { splitFrontmatter } from '../vault/frontmatter';
import { BodyCache } from './body-cache';

export type { IndexStatus };

export interface SearchArgs {
  query: string;
  filters?: SearchFilters;
  /** How many hits to return with snippets; `total` still counts every match. */
  limit?: number;
}

export interface SearchResponse {
  hits: SearchHit[];
  total: number;
  tookMs: number;
}

/** Push events from the search worker. */
export type SearchEvents = {
  /** After the index changed: open views re-run their query. */
  status: IndexStatus;
  error: { message: string };
};

export type SearchHandlers = ReturnType<typeof createSearchHandlers>;

const defaultLimit = 50;

export function createSearchHandlers(
  emit: <K extends keyof SearchEvents>(name: K, payload: SearchEvents[K]) => void,
) {
  const keeper = new IndexKeeper({
    status: (status) => emit('status', status),
    error: (message) => emit('error', { message }),
  });

  const bodyCache = new BodyCache();

  async function ready(): Promise<void> {
    await keeper.ready;
    if (keeper.loadError) throw keeper.loadError;
  }

  return {
    async search({
      query,
      filters = {},
      limit = defaultLimit,
    }: SearchArgs): Promise<SearchResponse> {
      const startedMs = performance.now();
      await ready();
      const matches = keeper.index.search(query, filters);
      const top = matches.slice(0, limit);
      const bodies = await bodyCache.get(top.map((m) => m.id));
      const hits: SearchHit[] = top.map(({ terms, ...match }) => ({
        ...match,
        snippet: buildSnippet(splitFrontmatter(bodies.get(match.id) ?? '').body, query, terms),
      }));
      return { hits, total: matches.length, tookMs: performance.now() - startedMs };
    },

    status(): IndexStatus {
      return keeper.status;
    },

    async rebuild(): Promise<IndexStatus> {
      await ready();
      await keeper.rebuild();
      return keeper.status;
    },
  };
}
