// Installed once, in the web-llm worker only. web-llm reaches the network two ways: `fetch` (model
// libraries on localhost, hash pointers) and `Cache.add`, which does its own fetch and would store
// whatever comes back — an SPA's index.html included, poisoning 'webllm/config' for good. Both go
// through the guarded model fetch here: no user purpose, no request; a download reaches only its
// own hosts, a load none; 404 or an HTML page fails as ModelFileMissingError and nothing is put in
// the cache.
import { recordRequest } from '../../db/requests-repo';
import {
  createModelFetch,
  pickPurpose,
  type FetchPurpose,
  type LedgerEntry,
} from '../net/model-fetch';
import type { NetworkSettings } from '../types';

type BytesListener = (url: string, loadedBytes: number, totalBytes: number | null) => void;

export interface FetchGuard {
  /** The guarded fetch, for the model store's own downloads. */
  readonly fetch: typeof fetch;
  /**
   * Runs `work` for one model: a user-started download may fetch from its own sources' hosts while
   * it runs; a load may fetch nothing.
   */
  withPurpose<T>(purpose: FetchPurpose, work: () => Promise<T>): Promise<T>;
  configure(settings: NetworkSettings): void;
  /** Byte progress of every guarded response body; returns the unsubscribe function. */
  watchBytes(listener: BytesListener): () => void;
}

export interface FetchGuardOptions {
  appOrigin: string;
  record?: (entry: LedgerEntry) => void;
}

function writeLedger(entry: LedgerEntry): void {
  recordRequest(entry).catch((error: unknown) => {
    // The request already happened; a failed ledger write must not fail the download too.
    console.error('Hearth could not write the request ledger:', error);
  });
}

export function installFetchGuard({
  appOrigin,
  record = writeLedger,
}: FetchGuardOptions): FetchGuard {
  const purposes: FetchPurpose[] = [];
  const bytesListeners = new Set<BytesListener>();
  let mirror: string | null = null;

  const guarded = createModelFetch({
    appOrigin,
    initiator: 'llm-webllm worker',
    purpose: (url) => pickPurpose(purposes, url, mirror),
    mirror: () => mirror,
    record,
    onBytes: (url, loaded, total) => bytesListeners.forEach((fn) => fn(url, loaded, total)),
    baseFetch: globalThis.fetch.bind(globalThis),
  });

  globalThis.fetch = guarded;
  patchCacheAdd(guarded);

  return {
    fetch: guarded,
    async withPurpose(purpose, work) {
      purposes.push(purpose);
      try {
        return await work();
      } finally {
        purposes.splice(purposes.lastIndexOf(purpose), 1);
      }
    },
    configure(settings) {
      mirror = settings.mirror;
    },
    watchBytes(listener) {
      bytesListeners.add(listener);
      return () => bytesListeners.delete(listener);
    },
  };
}

/**
 * Cache.add/addAll fetch through the guard, then `put`: the guard has already rejected a missing
 * file, so only real answers are stored. addAll fetches everything before storing anything, as the
 * native one is all-or-nothing.
 */
function patchCacheAdd(guarded: typeof fetch): void {
  async function fetchForCache(info: RequestInfo | URL): Promise<[Request, Response]> {
    const request = new Request(info);
    return [request, await guarded(request)];
  }
  Cache.prototype.add = async function add(this: Cache, info: RequestInfo | URL) {
    const [request, response] = await fetchForCache(info);
    await this.put(request, response);
  };
  Cache.prototype.addAll = async function addAll(this: Cache, infos: Iterable<RequestInfo | URL>) {
    const pairs = await Promise.all(Array.from(infos, fetchForCache));
    await Promise.all(pairs.map(([request, response]) => this.put(request, response)));
  };
}
