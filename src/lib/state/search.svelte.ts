// The app's one search manager, wired to the keyword (search) and semantic (memory) workers.
// The ordering rules live in search-manager.svelte.ts, which tests drive without workers.
import { SearchManager } from './search-manager.svelte';
import { searchClient } from '../search/search-client';
import { memoryClient } from '../search/memory-client';
import { memory } from './memory.svelte';

export type { FilterInputs, SearchMode, Coverage } from './search-manager.svelte';

export const search = new SearchManager({
  keyword: searchClient,
  semantic: { connect: () => memory.connect(), client: memoryClient },
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
});
