// Wiping whole kinds of data from Settings, each after a typed confirmation: conversations,
// memory, models, or everything (which runs at the next start: see storage/wipe-everything.ts).
import { wipeConversations } from '../db/wipe-repo';
import { forgetAllMemories } from '../db/memories-repo';
import { errorMessage } from '../errors';
import { formatBytes } from '../format-bytes';
import { requestWipeEverything } from '../storage/wipe-everything';
import { chat } from './chat.svelte';
import { models } from './models.svelte';
import { toasts } from './toasts.svelte';

export type WipeKind = 'conversations' | 'memory' | 'models' | 'everything';

class Wipe {
  busy = $state<WipeKind | null>(null);

  async run(kind: WipeKind): Promise<void> {
    if (this.busy) return;
    this.busy = kind;
    try {
      if (kind === 'conversations') {
        const count = await wipeConversations();
        const open = chat.conversation?.id;
        if (open) chat.forget(open);
        toasts.show(`Deleted ${count.toLocaleString()} conversations.`);
      } else if (kind === 'memory') {
        const count = await forgetAllMemories();
        toasts.show(`Forgot ${count.toLocaleString()} memories.`);
      } else if (kind === 'models') {
        // Through the Models page's own delete: files, record and downloads, one at a time.
        const freed = await models.removeAll();
        toasts.show(`Deleted every model (${formatBytes(freed)} freed).`);
      } else {
        requestWipeEverything();
      }
    } catch (error) {
      toasts.error(`Couldn't delete ${kind}: ${errorMessage(error)}`);
    } finally {
      if (kind !== 'everything') this.busy = null;
    }
  }
}

export const wipe = new Wipe();
