// The one search worker of this window, created on first use.
import { RpcClient } from '../rpc/client';
import type { SearchEvents, SearchHandlers } from './search-handlers';

export type SearchClient = RpcClient<SearchHandlers, SearchEvents>;

let client: SearchClient | undefined;

export function searchClient(): SearchClient {
  if (client) return client;
  const worker = new Worker(new URL('../../workers/search.worker.ts', import.meta.url), {
    type: 'module',
  });
  const created = new RpcClient<SearchHandlers, SearchEvents>(worker);
  // A crashed worker is replaced on the next search rather than failing forever.
  worker.addEventListener('error', () => {
    if (client === created) client = undefined;
  });
  client = created;
  return client;
}

/** Starts the worker so the index restores and follows changes before the first search. */
export function warmSearch(): void {
  searchClient();
}

/**
 * Resolves once the keyword index answers searches, or after `timeoutMs` (a failed or slow
 * restore must not hold back what waits on it).
 */
export function searchIndexReady(timeoutMs: number): Promise<void> {
  const search = searchClient();
  return new Promise<void>((resolve) => {
    const done = () => {
      off();
      clearTimeout(timer);
      resolve();
    };
    const off = search.on('status', (status) => {
      if (status.ready) done();
    });
    const timer = setTimeout(done, timeoutMs);
    search.call('status', undefined).then((status) => {
      if (status.ready) done();
    }, done);
  });
}
