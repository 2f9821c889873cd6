// Once per tag-rules version, at start: notes stored before inline #tags counted get their tags
// derived again (vault/rederive-tags.ts), so the search tag filter finds them. The keyword index
// must already be listening for the changes it announces, or it would keep the old tags from its
// snapshot: the search worker answers `status` only once its index follows the vault.
import { searchClient } from '../search/search-client';
import { rederiveTags } from '../vault/rederive-tags';
import { errorMessage } from '../errors';
import { toasts } from './toasts.svelte';

export async function refreshDerivedTags(): Promise<void> {
  try {
    await searchClient().call('status', undefined);
    await rederiveTags();
  } catch (error) {
    toasts.error(`Couldn't update the tags of older notes: ${errorMessage(error)}`);
  }
}
