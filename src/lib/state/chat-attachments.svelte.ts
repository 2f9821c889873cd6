// Attachments of the open chat: the stored ones (live from IndexedDB), the ones still being read
// (with progress, cancellable), the ones refused (with the reason, until dismissed), and the
// indexing of each stored one. One manager for the window, so reading carries on when the
// composer is re-rendered or the chat's address changes under it.
import { attachmentPassages } from '../attachments/attachment-passages';
import { storedAttachment } from '../attachments/stored-attachment';
import type { AttachmentsFn } from '../assistant/ground-question';
import { groupSources, type PickedFile } from '../attachments/group-sources';
import { indexAttachment } from '../attachments/index-attachment';
import { readAttachment } from '../attachments/read-attachment';
import type { ReadProgress } from '../attachments/attachment-types';
import type { EmbedFn } from '../assistant/memory-embeddings';
import {
  observeChatAttachments,
  removeChatAttachment,
  saveChatAttachment,
} from '../db/chat-attachments-repo';
import type { ChatAttachmentRecord } from '../db/db';
import { errorMessage } from '../errors';
import { extractPdfText } from '../pdf/pdf-text';

export interface PendingAttachment {
  key: string;
  conversationId: string;
  name: string;
  kind: 'file' | 'folder' | 'zip';
  status: 'waiting' | 'reading' | 'saving' | 'refused';
  progress: ReadProgress | null;
  /** Why it was refused, fit to show. */
  reason?: string;
}

export interface IndexState {
  done: number;
  total: number;
  error?: string;
}

// Imported when first asked: the client starts a worker and listens on the window, which a chat
// session created outside a page (unit tests) has not got.
const embedInWorker: EmbedFn = async (texts, input) =>
  (await import('../search/memory-client')).memoryClient().call('embed', { texts, input });

export class ChatAttachments {
  stored = $state.raw<ChatAttachmentRecord[]>([]);
  pending = $state.raw<PendingAttachment[]>([]);
  indexing = $state.raw<Record<string, IndexState>>({});
  // Bookkeeping, never shown: plain collections, not reactive ones.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  #aborts = new Map<string, AbortController>();
  #indexQueue: Promise<void> = Promise.resolve();
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  #queued = new Set<string>();
  readonly #embed: EmbedFn;

  constructor(embed: EmbedFn = embedInWorker) {
    this.#embed = embed;
  }

  /** Follows the stored attachments of one conversation; returns the unsubscribe. */
  watch(conversationId: string, onError: (error: unknown) => void): () => void {
    return observeChatAttachments(
      conversationId,
      (rows) => {
        this.stored = rows;
        // Indexing stopped by a reload, or a model installed since: picked up again here.
        for (const row of rows) if (row.indexedBy === null) this.#index(row.id);
      },
      onError,
    );
  }

  pendingFor(conversationId: string | null): PendingAttachment[] {
    return this.pending.filter((p) => p.conversationId === conversationId);
  }

  /** Reads what was picked or dropped into attachments of the conversation, one after another. */
  async add(conversationId: string, picked: PickedFile[]): Promise<void> {
    const sources = groupSources(picked);
    const items = sources.map((source) => ({
      source,
      item: {
        key: crypto.randomUUID(),
        conversationId,
        name: source.name,
        kind: source.kind,
        status: 'waiting',
        progress: null,
      } satisfies PendingAttachment,
    }));
    this.pending = [...this.pending, ...items.map((i) => i.item)];
    // One byte budget for everything read by this pick or drop.
    const budget = { usedBytes: 0 };
    for (const { source, item } of items) {
      if (!this.pending.some((p) => p.key === item.key)) continue;
      const abort = new AbortController();
      this.#aborts.set(item.key, abort);
      try {
        this.#patch(item.key, { status: 'reading' });
        const read = await readAttachment(source, {
          extractPdf: extractPdfText,
          budget,
          signal: abort.signal,
          onProgress: (progress) => this.#patch(item.key, { progress }),
        });
        this.#patch(item.key, { status: 'saving' });
        const stored = await storedAttachment(conversationId, read);
        abort.signal.throwIfAborted();
        await saveChatAttachment(stored);
        this.#drop(item.key);
      } catch (error) {
        if (abort.signal.aborted) this.#drop(item.key);
        else this.#patch(item.key, { status: 'refused', reason: errorMessage(error) });
      } finally {
        this.#aborts.delete(item.key);
      }
    }
  }

  /** Stops reading one attachment (or forgets a refusal); nothing of it is stored. */
  cancel(key: string): void {
    this.#aborts.get(key)?.abort(new DOMException('Attachment cancelled', 'AbortError'));
    this.#drop(key);
  }

  /**
   * The answer's hook for one conversation's attachments: ranked by meaning with the notes' model
   * when it answers, by words otherwise (and then the user is told why).
   */
  passagesOf(conversationId: string, onFallback: (error: unknown) => void): AttachmentsFn {
    return (question, budgetTokens, counter, overheadTokens) =>
      attachmentPassages(conversationId, question, budgetTokens, counter, {
        embed: this.#embed,
        passageOverheadTokens: overheadTokens,
        onFallback,
      });
  }

  async remove(id: string): Promise<void> {
    await removeChatAttachment(id);
  }

  #index(id: string): void {
    if (this.#queued.has(id)) return;
    this.#queued.add(id);
    this.#indexQueue = this.#indexQueue.then(async () => {
      try {
        await indexAttachment(id, this.#embed, (done, total) =>
          this.#setIndex(id, { done, total }),
        );
        this.#setIndex(id, null);
      } catch (error) {
        // The words still find it: say why meaning does not, and leave it searchable.
        this.#setIndex(id, { done: 0, total: 0, error: errorMessage(error) });
      } finally {
        // Tried again on the next change of the list (a model may be installed by then).
        this.#queued.delete(id);
      }
    });
  }

  #setIndex(id: string, state: IndexState | null): void {
    const next = { ...this.indexing };
    if (state) next[id] = state;
    else delete next[id];
    this.indexing = next;
  }

  #patch(key: string, patch: Partial<PendingAttachment>): void {
    this.pending = this.pending.map((p) => (p.key === key ? { ...p, ...patch } : p));
  }

  #drop(key: string): void {
    this.pending = this.pending.filter((p) => p.key !== key);
  }
}

export const chatAttachments = new ChatAttachments();
