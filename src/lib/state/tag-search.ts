// A tag chip in a note opens search for that tag: the query `#tag` with the tag filter set, so the
// results are exactly the notes filed under it (its frontmatter or inline tags).
import { search } from './search.svelte';
import { router } from './router.svelte';
import { tagSearchHref } from '../markdown/inline-extensions';

export function openTagSearch(tag: string): void {
  search.filters.tag = tag;
  search.query = `#${tag}`;
  router.navigate(tagSearchHref(tag));
  void search.run();
}
