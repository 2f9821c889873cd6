// Applying the retention rules to the store: what they would remove now (for the preview), and
// removing it. Conversations go the way the chat list deletes one (with their attached files) and
// come back the same way, so the caller can offer Undo; ledger rows are history and simply go.
import type { RetentionRules } from '../retention/retention-rules';
import { cutoff, expiredConversations } from '../retention/retention-rules';
import type { ConversationRecord } from './db';
import { getDb } from './db';
import {
  deleteConversation,
  restoreConversation,
  type DeletedConversation,
} from './conversations-repo';
import {
  deleteConversationAttachments,
  restoreConversationAttachments,
  type DeletedAttachments,
} from './chat-attachments-repo';

export interface RetentionPreview {
  conversations: Pick<ConversationRecord, 'id' | 'title' | 'updatedAt'>[];
  ledgerRows: number;
}

export async function previewRetention(
  rules: RetentionRules,
  now: number,
): Promise<RetentionPreview> {
  const db = getDb();
  const conversations = expiredConversations(await db.conversations.toArray(), rules, now);
  const before = cutoff(rules.ledgerDays, now);
  const ledgerRows = before === null ? 0 : await db.requests.where('at').below(before).count();
  return {
    conversations: conversations.map(({ id, title, updatedAt }) => ({ id, title, updatedAt })),
    ledgerRows,
  };
}

export interface RetentionRun {
  conversations: { conversation: DeletedConversation; files: DeletedAttachments }[];
  ledgerRows: number;
}

export async function applyRetention(rules: RetentionRules, now: number): Promise<RetentionRun> {
  const db = getDb();
  const run: RetentionRun = { conversations: [], ledgerRows: 0 };
  for (const expired of expiredConversations(await db.conversations.toArray(), rules, now)) {
    const conversation = await deleteConversation(expired.id);
    if (!conversation) continue;
    const files = await deleteConversationAttachments(expired.id);
    run.conversations.push({ conversation, files });
  }
  const before = cutoff(rules.ledgerDays, now);
  if (before !== null) run.ledgerRows = await db.requests.where('at').below(before).delete();
  return run;
}

/** Puts back the conversations a run removed (its Undo). */
export async function undoRetention(run: RetentionRun): Promise<void> {
  for (const { conversation, files } of run.conversations) {
    await restoreConversation(conversation);
    await restoreConversationAttachments(files);
  }
}
