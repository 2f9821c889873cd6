// Chat conversations and their messages. A conversation's `updatedAt` moves with every new message,
// so the list (newest first) follows activity. Messages of one conversation are ordered by
// `createdAt`, which is kept strictly increasing per conversation so two writes in the same
// millisecond still come back in the order they were made.
import { liveQuery } from 'dexie';
import { getDb, type ConversationRecord, type MessageRecord } from './db';
import { NotFoundError } from '../errors';
import { guardQuota } from './quota';

const byConversation = (id: string) =>
  getDb().messages.where('[conversationId+createdAt]').between([id, -Infinity], [id, Infinity]);

/** A conversation made in memory (so the UI need not wait for the disk); store it with saveConversation. */
export function buildConversation(title = 'New chat', systemPrompt = ''): ConversationRecord {
  const now = Date.now();
  return { id: crypto.randomUUID(), title, createdAt: now, updatedAt: now, systemPrompt };
}

export async function saveConversation(record: ConversationRecord): Promise<void> {
  await guardQuota('the new conversation', () => getDb().conversations.add(record));
}

export async function createConversation(
  title = 'New chat',
  systemPrompt = '',
): Promise<ConversationRecord> {
  const record = buildConversation(title, systemPrompt);
  await saveConversation(record);
  return record;
}

export function getConversation(id: string): Promise<ConversationRecord | undefined> {
  return getDb().conversations.get(id);
}

/** Newest activity first; `query` keeps titles that contain it, ignoring case. */
export async function listConversations(query = ''): Promise<ConversationRecord[]> {
  const needle = query.trim().toLowerCase();
  const all = getDb().conversations.orderBy('updatedAt').reverse();
  return needle
    ? all.filter((c) => c.title.toLowerCase().includes(needle)).toArray()
    : all.toArray();
}

export function observeConversations(
  query: string,
  onChange: (conversations: ConversationRecord[]) => void,
  onError: (error: unknown) => void,
): () => void {
  const subscription = liveQuery(() => listConversations(query)).subscribe({
    next: onChange,
    error: onError,
  });
  return () => subscription.unsubscribe();
}

export async function updateConversation(
  id: string,
  patch: Partial<Pick<ConversationRecord, 'title' | 'systemPrompt'>>,
): Promise<void> {
  const clean = patch.title === undefined ? patch : { ...patch, title: patch.title.trim() };
  if (clean.title === '') clean.title = 'Untitled chat';
  const changed = await guardQuota('the conversation', () =>
    getDb().conversations.update(id, clean),
  );
  if (!changed && !(await getConversation(id)))
    throw new NotFoundError('That conversation no longer exists.');
}

export interface DeletedConversation {
  conversation: ConversationRecord;
  messages: MessageRecord[];
}

/** Deletes the conversation and its messages; returns them so an Undo can put them back. */
export async function deleteConversation(id: string): Promise<DeletedConversation | undefined> {
  const db = getDb();
  return db.transaction('rw', db.conversations, db.messages, async () => {
    const conversation = await db.conversations.get(id);
    if (!conversation) return undefined;
    const messages = await byConversation(id).toArray();
    await byConversation(id).delete();
    await db.conversations.delete(id);
    return { conversation, messages };
  });
}

export async function restoreConversation(deleted: DeletedConversation): Promise<void> {
  const db = getDb();
  await guardQuota(`“${deleted.conversation.title}”`, () =>
    db.transaction('rw', db.conversations, db.messages, async () => {
      await db.conversations.put(deleted.conversation);
      await db.messages.bulkPut(deleted.messages);
    }),
  );
}

export function listMessages(conversationId: string): Promise<MessageRecord[]> {
  return byConversation(conversationId).toArray();
}

export type NewMessage = Omit<MessageRecord, 'id' | 'createdAt'>;

/** A message made in memory, ordered after the conversation's latest (`previousCreatedAt`). */
export function buildMessage(message: NewMessage, previousCreatedAt = 0): MessageRecord {
  return {
    ...message,
    id: crypto.randomUUID(),
    createdAt: Math.max(Date.now(), previousCreatedAt + 1),
  };
}

/** Stores a message built in memory and marks its conversation active. */
export async function saveMessage(record: MessageRecord): Promise<void> {
  const db = getDb();
  await guardQuota('the message', () =>
    db.transaction('rw', db.conversations, db.messages, async () => {
      await db.messages.put(record);
      await db.conversations.update(record.conversationId, { updatedAt: Date.now() });
    }),
  );
}

/** Appends a message after every other one in its conversation and marks the conversation active. */
export async function appendMessage(message: NewMessage): Promise<MessageRecord> {
  const db = getDb();
  return guardQuota('the message', () =>
    db.transaction('rw', db.conversations, db.messages, async () => {
      const last = await byConversation(message.conversationId).last();
      const record = buildMessage(message, last?.createdAt);
      await db.messages.add(record);
      await db.conversations.update(message.conversationId, { updatedAt: Date.now() });
      return record;
    }),
  );
}

export async function updateMessage(
  id: string,
  patch: Partial<Omit<MessageRecord, 'id' | 'conversationId' | 'createdAt'>>,
): Promise<void> {
  await guardQuota('the message', () => getDb().messages.update(id, patch));
}

/** Deletes the messages that come after `messageId` (and that message too when `inclusive`). */
export async function deleteMessagesAfter(
  messageId: string,
  options: { inclusive?: boolean } = {},
): Promise<string[]> {
  const db = getDb();
  return db.transaction('rw', db.messages, async () => {
    const anchor = await db.messages.get(messageId);
    if (!anchor) throw new NotFoundError('That message no longer exists.');
    const from = options.inclusive ? anchor.createdAt : anchor.createdAt + 1;
    const doomed = db.messages
      .where('[conversationId+createdAt]')
      .between([anchor.conversationId, from], [anchor.conversationId, Infinity], true, true);
    const ids = await doomed.primaryKeys();
    await db.messages.bulkDelete(ids);
    return ids;
  });
}
