// The attachments part of a chat prompt: `attachmentPassages` reads a conversation's attachments
// and picks what fits the budget (see passage-selection.ts). With `embed`, pieces indexed by the
// serving model are ranked by meaning; without it, or when embedding fails, by shared words.
import type { EmbedFn } from '../assistant/memory-embeddings';
import type { TokenCounter } from '../assistant/token-count';
import {
  chunksOfConversation,
  docsOfConversation,
  listChatAttachments,
} from '../db/chat-attachments-repo';
import {
  selectPassages,
  type AttachmentPassage,
  type AttachmentSet,
  type PassageOverhead,
  type QueryVector,
} from './passage-selection';

export type { AttachmentPassage };

export interface AttachmentPassageOptions {
  /** The notes' embedding model (the memory worker's `embed`); keyword ranking without it. */
  embed?: EmbedFn;
  /** Tokens each passage costs in the prompt beyond its text (its numbered header). */
  passageOverheadTokens?: PassageOverhead;
  /** Hears why, when embedding the question failed and words were matched instead. */
  onFallback?: (error: unknown) => void;
}

export async function conversationAttachmentSets(conversationId: string): Promise<AttachmentSet[]> {
  const [attachments, docs, chunks] = await Promise.all([
    listChatAttachments(conversationId),
    docsOfConversation(conversationId),
    chunksOfConversation(conversationId),
  ]);
  const docOrder = (id: string): number => Number(id.slice(id.lastIndexOf('|') + 1));
  return attachments.map((attachment) => ({
    attachment,
    docs: docs
      .filter((d) => d.attachmentId === attachment.id)
      .sort((a, b) => docOrder(a.id) - docOrder(b.id)),
    chunks: chunks.filter((c) => c.attachmentId === attachment.id),
  }));
}

/**
 * Passages of the conversation's attachments for `question`, within `budgetTokens` as `counter`
 * counts (plus `passageOverheadTokens` each): whole files first, then retrieved pieces, best first.
 */
export async function attachmentPassages(
  conversationId: string,
  question: string,
  budgetTokens: number,
  counter: TokenCounter,
  options: AttachmentPassageOptions = {},
): Promise<AttachmentPassage[]> {
  if (!(budgetTokens > 0)) return [];
  const sets = await conversationAttachmentSets(conversationId);
  if (sets.length === 0) return [];
  const { embed, onFallback } = options;
  const queryVector = async (): Promise<QueryVector | null> => {
    if (!embed) return null;
    try {
      const made = await embed([question], 'query');
      return made && { modelId: made.modelId, vector: made.vectors };
    } catch (error) {
      onFallback?.(error);
      return null;
    }
  };
  return selectPassages(sets, question, budgetTokens, counter, {
    passageOverheadTokens: options.passageOverheadTokens,
    queryVector,
  });
}
