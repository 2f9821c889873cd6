// The one memory worker of this window, created on first use and replaced after a crash.
import { RpcClient } from '../rpc/client';
import type { MemoryHandlers } from './memory-handlers';
import type { MemoryEvents } from './memory-types';

export type MemoryClient = RpcClient<MemoryHandlers, MemoryEvents>;

let client: MemoryClient | undefined;
const startListeners = new Set<(client: MemoryClient) => void>();

export function memoryClient(): MemoryClient {
  if (client) return client;
  const worker = new Worker(new URL('../../workers/memory.worker.ts', import.meta.url), {
    type: 'module',
  });
  const created = new RpcClient<MemoryHandlers, MemoryEvents>(worker);
  worker.addEventListener('error', () => {
    if (client === created) client = undefined;
  });
  client = created;
  for (const listener of startListeners) listener(created);
  return created;
}

// A page put in the back/forward cache freezes its workers mid-work: a frozen worker could keep an
// IndexedDB transaction or the indexing lock from the page that replaced it. So the worker stops
// when the page is hidden and starts again if the page comes back.
addEventListener('pagehide', () => {
  client?.terminate();
  client = undefined;
});
addEventListener('pageshow', (event) => {
  if (event.persisted && startListeners.size > 0) memoryClient();
});

/** Called with each new worker's client (the first, and any replacement after a crash). */
export function onMemoryStart(listener: (client: MemoryClient) => void): void {
  startListeners.add(listener);
  if (client) listener(client);
}
