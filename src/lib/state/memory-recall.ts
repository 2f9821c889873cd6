// Recall of long-term memories for the chat's "What you have told me" part of the prompt, and
// `/remember …` typed in the composer. Embedding runs in the memory worker (the notes' model);
// with no embedding model, or when embedding fails, recall matches words instead.
import { embedMemories, recall, type EmbedFn } from '../assistant/memory-embeddings';
import type { RecalledMemory } from '../assistant/memory-recall';
import { parseRememberCommand, rememberTyped } from '../assistant/remember-command';

export type { RecalledMemory };
export { parseRememberCommand, rememberTyped };

// The memory client is imported on first use: its module starts listening to the page, and
// recall with no memories stored never needs it.
const embedInWorker: EmbedFn = async (texts, input) =>
  (await import('../search/memory-client')).memoryClient().call('embed', { texts, input });

/**
 * The `k` memories that best answer `question`, best first, each with its source and score
 * (cosine similarity with an embedding model; the share of the question's words without).
 * `onFallback` hears why, when embedding failed and words were matched instead.
 */
export function recallMemories(
  question: string,
  k = 5,
  onFallback?: (error: unknown) => void,
): Promise<RecalledMemory[]> {
  return recall(question, k, embedInWorker, onFallback);
}

let syncing: Promise<void> = Promise.resolve();
let queued: Promise<void> | null = null;

/**
 * Embeds the memories that need it (in the background after changes); calls made while one runs
 * share a single run after it. Rejects when embedding failed.
 */
export function syncMemoryVectors(): Promise<void> {
  queued ??= syncing.then(async () => {
    queued = null;
    await embedMemories(embedInWorker);
  });
  syncing = queued.catch(() => {});
  return queued;
}
