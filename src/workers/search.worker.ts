// The keyword-search worker: the index lives here so typing never waits on indexing.
import { serve } from '../lib/rpc/server';
import type { Envelope } from '../lib/rpc/protocol';
import {
  createSearchHandlers,
  type SearchEvents,
  type SearchHandlers,
} from '../lib/search/search-handlers';

// Index events happen between requests, so they are posted directly rather than through a handler.
const handlers = createSearchHandlers((name, payload) =>
  self.postMessage({ kind: 'event', name, payload } satisfies Envelope),
);
serve<SearchHandlers, SearchEvents>(self, handlers);
