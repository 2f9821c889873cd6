// Long-term memory as the Memory view sees it: the list (filtered by a search), and add, edit,
// forget (with Undo, which puts back what this page still holds: nothing of a forgotten memory
// stays stored) and forget-a-whole-conversation. Every change also brings the memories' vectors
// up to date in the background, so recall rarely has to embed.
import {
  addMemory,
  editMemory,
  forgetConversationMemories,
  forgetMemory,
  onMemoriesChanged,
  restoreMemory,
  searchMemories,
  type Memory,
  type MemorySource,
} from '../db/memories-repo';
import { errorMessage } from '../errors';
import { toasts } from './toasts.svelte';
import { syncMemoryVectors } from './memory-recall';

class Memories {
  items = $state.raw<Memory[]>([]);
  query = $state('');
  loaded = $state(false);
  error = $state<string | null>(null);
  /** Why memories could not be embedded (recall then matches words); null when they were. */
  embedError = $state<string | null>(null);
  #reading = 0;

  constructor() {
    onMemoriesChanged((change) => {
      void this.refresh();
      if (change.kind !== 'forgotten') void this.embed();
    });
  }

  /** Re-reads the list for the current search; the latest read wins. */
  async refresh(): Promise<void> {
    const reading = ++this.#reading;
    try {
      const items = await searchMemories(this.query);
      if (reading !== this.#reading) return;
      this.items = items;
      this.error = null;
    } catch (error) {
      if (reading === this.#reading) this.error = errorMessage(error);
    } finally {
      if (reading === this.#reading) this.loaded = true;
    }
  }

  async embed(): Promise<void> {
    try {
      await syncMemoryVectors();
      this.embedError = null;
    } catch (error) {
      this.embedError = errorMessage(error);
    }
  }

  search(query: string): Promise<void> {
    this.query = query;
    return this.refresh();
  }

  /** Stores a memory; throws InvalidMemoryError (with a message to show) for empty or long text. */
  add(text: string, source: MemorySource = { kind: 'manual' }): Promise<Memory> {
    return addMemory(text, source);
  }

  /** Saves an edit; returns an error message to show, or null when it was saved. */
  async edit(memory: Memory, text: string): Promise<string | null> {
    const result = await editMemory(memory.id, text, memory.updatedAt);
    if (result.status === 'saved') return null;
    await this.refresh();
    return result.status === 'missing'
      ? 'This memory was forgotten meanwhile; your edit was not saved.'
      : `This memory was changed meanwhile (it now reads “${result.current.text}”); your edit was not saved.`;
  }

  async forget(memory: Memory): Promise<void> {
    if (!(await forgetMemory(memory.id))) return;
    toasts.show('Memory forgotten.', {
      action: { label: 'Undo', run: () => this.#undo([memory]) },
    });
  }

  /** Forgets every memory from `conversationId`; returns how many. */
  async forgetConversation(conversationId: string): Promise<number> {
    const gone = this.items.filter(
      (m) => m.source.kind === 'message' && m.source.conversationId === conversationId,
    );
    const count = await forgetConversationMemories(conversationId);
    toasts.show(`${count} ${count === 1 ? 'memory' : 'memories'} from that chat forgotten.`, {
      action:
        count > 0 && gone.length === count
          ? { label: 'Undo', run: () => this.#undo(gone) }
          : undefined,
    });
    return count;
  }

  async #undo(memories: Memory[]): Promise<void> {
    try {
      for (const memory of memories) await restoreMemory(memory);
    } catch (error) {
      toasts.error(`Could not undo: ${errorMessage(error)}`);
    }
  }
}

export const memories = new Memories();
