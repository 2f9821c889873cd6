// What opening a note in the editor recovers before showing it: drafts kept the old way are moved
// into storage, then the drafts of this tab and of tabs that are gone are replayed into the note
// (vault/draft-recovery.ts). Apart from the editor session because it runs once, before the session
// has any state, and decides only which drafts are this tab's to replay and how long to wait for
// the database after a full disk.
import { recoverDrafts, type Recovery } from '../vault/draft-recovery';
import { migrateLegacyDrafts } from '../storage/drafts';
import { isTabAlive, tabId } from '../storage/tab-lock';
import { errorMessage, isConnectionClosed } from '../errors';
import { toasts } from './toasts.svelte';

export async function recoverOnOpen(noteId: string): Promise<Recovery> {
  try {
    await migrateLegacyDrafts();
  } catch (error) {
    toasts.error(`Couldn't move older unsaved drafts into storage: ${errorMessage(error)}`);
  }
  const recover = () =>
    recoverDrafts(
      noteId,
      async (draft) => draft.tabId === tabId || !(await isTabAlive(draft.tabId)),
    );
  // Opening a note just after the disk filled met a connection the browser had closed (it
  // closes them again at each refused write): "Couldn't open this note", although a later read
  // opens it.
  for (let attempt = 1; ; attempt++) {
    try {
      return await recover();
    } catch (error) {
      if (!isConnectionClosed(error) || attempt === 4) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250 * attempt));
    }
  }
}
