// The keyword-search worker: the index lives here so typing never waits on indexing.
import { eventEmitter, serve } from '../lib/rpc/server';
import {
  createSearchService,
  type SearchEvents,
  type SearchHandlers,
} from '../lib/search/search-handlers';

// Index events happen between requests, so they are emitted directly rather than by a handler.
const { handlers } = createSearchService(eventEmitter<SearchEvents>(self));
serve<SearchHandlers, SearchEvents>(self, handlers);
