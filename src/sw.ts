// Hearth's service worker: the offline app shell (Workbox precache, every route falls back to
// index.html) and the network policy for the page and its workers. Each off-origin request any of
// them makes reaches this worker's fetch event (dedicated workers are its clients too): it is
// decided by the stored policy, ledgered with who asked, and sent or refused (src/lib/net/). The
// Content-Security-Policy stays as a second layer. Thin wiring only.
import {
  cleanupOutdatedCaches,
  createHandlerBoundToURL,
  precacheAndRoute,
} from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { appendLedgerRow } from './lib/db/ledger-append';
import { effectivePolicy } from './lib/db/network-policy-repo';
import { guardRequest } from './lib/net/guard-request';

/** The parts of ServiceWorkerGlobalScope used here (the app's TypeScript lib is the DOM's). */
interface ServiceWorkerScope {
  __WB_MANIFEST: (string | { url: string; revision: string | null })[];
  location: Location;
  clients: {
    get(id: string): Promise<{ type: string; url: string } | undefined>;
    claim(): Promise<void>;
  };
  skipWaiting(): Promise<void>;
  addEventListener(type: 'fetch', listener: (event: FetchEventLike) => void): void;
  addEventListener(type: 'activate', listener: (event: ExtendableEventLike) => void): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<unknown>) => void): void;
}

interface ExtendableEventLike {
  waitUntil(work: Promise<unknown>): void;
}

interface FetchEventLike extends ExtendableEventLike {
  readonly request: Request;
  readonly clientId: string;
  respondWith(response: Promise<Response>): void;
}

declare const self: ServiceWorkerScope;

// First, so it sees every request before Workbox's routes (which handle same-origin ones only).
self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (url.origin === self.location.origin) return;
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return;
  const writes: Promise<void>[] = [];
  const written = () => Promise.all(writes);
  const answered = guardRequest(event.request, {
    policy: effectivePolicy,
    client: async () => (event.clientId ? self.clients.get(event.clientId) : undefined),
    fetch: (request) => fetch(request),
    record: (entry) =>
      writes.push(
        appendLedgerRow(entry).catch((error: unknown) =>
          console.error('Hearth could not write the request ledger:', error),
        ),
      ),
    // Called while the answer is pending (so still allowed): the row of a streamed answer is
    // written once its body has been read.
    extend: (work) => event.waitUntil(work.then(written)),
    nowMs: () => Date.now(),
    appUrl: self.location.href,
  });
  event.respondWith(answered);
  // The ledger write may finish after the answer: keep the worker alive until it has.
  event.waitUntil(answered.then(written));
});

self.addEventListener('message', (event) => {
  // workbox-window's "Reload" on the update prompt (state/pwa.svelte.ts).
  if ((event.data as { type?: string } | null)?.type === 'SKIP_WAITING') void self.skipWaiting();
});

// Take charge of the page (and its workers) on the first visit too, not only after a reload, so
// the policy holds from the start.
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();
registerRoute(new NavigationRoute(createHandlerBoundToURL('/index.html')));
