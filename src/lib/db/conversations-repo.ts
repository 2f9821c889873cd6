// Chat conversations and their messages. A conversation's `updatedAt` moves with every new message,
// so the list (newest first) follows activity. Messages of one conversation are ordered by
// `createdAt`, which is kept strictly increasing per conversation so two writes in the same
// millisecond still come back in the order they were made.
import { liveQuery } from 'dexie';
import { getDb } from './db';
import type { ConversationRecord, MessageRecord, VersionFields } from './chat-records';
import { withAnswerPatch, withNewVersion, withVersion } from './message-versions';
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
  patch: Partial<Pick<ConversationRecord, 'title' | 'systemPrompt' | 'grounding' | 'pinned'>>,
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
  // A modify callback: Dexie's key-path typing of an update spec cannot follow `versions`, whose
  // set-aside tails hold messages again.
  await guardQuota('the message', () =>
    getDb()
      .messages.where('id')
      .equals(id)
      .modify((message) => void Object.assign(message, patch)),
  );
}

/**
 * Writes an answer's text or outcome to the version written at `at` (see `withAnswerPatch`);
 * nothing when that version, or the message, is gone.
 */
export async function updateAnswer(id: string, at: number, patch: VersionFields): Promise<void> {
  await guardQuota('the message', () =>
    getDb()
      .messages.where('id')
      .equals(id)
      .modify((message, ref) => {
        const next = withAnswerPatch(message, at, patch);
        if (next) ref.value = next;
      }),
  );
}

/** The messages after `message` in its conversation. */
const after = (message: MessageRecord) =>
  getDb()
    .messages.where('[conversationId+createdAt]')
    .between(
      [message.conversationId, message.createdAt],
      [message.conversationId, Infinity],
      false,
      true,
    );

async function rewriteFrom(
  id: string,
  change: (
    message: MessageRecord,
    tail: MessageRecord[],
  ) => {
    message: MessageRecord;
    tail: MessageRecord[];
  },
): Promise<MessageRecord> {
  const db = getDb();
  return guardQuota('the message', () =>
    db.transaction('rw', db.conversations, db.messages, async () => {
      const current = await db.messages.get(id);
      if (!current) throw new NotFoundError('That message no longer exists.');
      const { message, tail } = change(current, await after(current).toArray());
      await after(current).delete();
      await db.messages.put(message);
      await db.messages.bulkPut(tail);
      await db.conversations.update(message.conversationId, { updatedAt: Date.now() });
      return message;
    }),
  );
}

/**
 * Makes `fresh` the shown version of the message, in one transaction: the version it replaces is
 * kept with the conversation that followed it (regenerate, edit and resend never delete).
 */
export function saveNewVersion(
  id: string,
  fresh: VersionFields & { content: string },
  at = Date.now(),
): Promise<MessageRecord> {
  return rewriteFrom(id, (message, tail) => ({
    message: withNewVersion(message, tail, fresh, at),
    tail: [],
  }));
}

/** Shows version `index` of the message and the conversation that followed it, in one transaction. */
export function showVersion(id: string, index: number): Promise<MessageRecord> {
  return rewriteFrom(id, (message, tail) => withVersion(message, tail, index));
}
