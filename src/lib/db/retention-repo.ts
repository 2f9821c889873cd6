// Applying the retention rules to the store: what they would remove now (for the preview), and
// removing it. Conversations go the way the chat list deletes one (with their attached files) and
// come back the same way, so the caller can offer Undo; ledger rows are history and simply go.
import type { RetentionRules } from '../retention/retention-rules';
import { cutoff, expiredConversations } from '../retention/retention-rules';
import type { ConversationRecord } from './chat-records';
import { getDb } from './db';
import { deleteChat, restoreChat, type DeletedChat } from './chat-delete';

export interface RetentionPreview {
  conversations: Pick<ConversationRecord, 'id' | 'title' | 'updatedAt'>[];
  ledgerRows: number;
}

/** The conversations a rule removes now; none read at all while the rule is off (at every start). */
async function expired(rules: RetentionRules, now: number): Promise<ConversationRecord[]> {
  if (rules.conversationDays === null) return [];
  return expiredConversations(await getDb().conversations.toArray(), rules, now);
}

export async function previewRetention(
  rules: RetentionRules,
  now: number,
): Promise<RetentionPreview> {
  const db = getDb();
  const conversations = await expired(rules, now);
  const before = cutoff(rules.ledgerDays, now);
  const ledgerRows = before === null ? 0 : await db.requests.where('at').below(before).count();
  return {
    conversations: conversations.map(({ id, title, updatedAt }) => ({ id, title, updatedAt })),
    ledgerRows,
  };
}

export interface RetentionRun {
  conversations: DeletedChat[];
  ledgerRows: number;
}

export async function applyRetention(rules: RetentionRules, now: number): Promise<RetentionRun> {
  const db = getDb();
  const run: RetentionRun = { conversations: [], ledgerRows: 0 };
  for (const conversation of await expired(rules, now)) {
    const deleted = await deleteChat(conversation.id);
    if (deleted) run.conversations.push(deleted);
  }
  const before = cutoff(rules.ledgerDays, now);
  if (before !== null) run.ledgerRows = await db.requests.where('at').below(before).delete();
  return run;
}

/** Puts back the conversations a run removed (its Undo). */
export async function undoRetention(run: RetentionRun): Promise<void> {
  for (const deleted of run.conversations) await restoreChat(deleted);
}
