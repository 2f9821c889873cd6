// The one search worker of this window, created on first use.
import { RpcClient } from '../rpc/client';
import type { SearchEvents, SearchHandlers } from './search-handlers';

export type SearchClient = RpcClient<SearchHandlers, SearchEvents>;

let client: SearchClient | undefined;

export function searchClient(): SearchClient {
  client ??= new RpcClient<SearchHandlers, SearchEvents>(
    new Worker(new URL('../../workers/search.worker.ts', import.meta.url), { type: 'module' }),
  );
  return client;
}

/** Starts the worker so the index restores and follows changes before the first search. */
export function warmSearch(): void {
  searchClient();
}
