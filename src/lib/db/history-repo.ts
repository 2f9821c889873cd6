// Writing another assistant's history into the store in one transaction. A conversation imported
// before (same id) is left as it is here: importing the same export twice adds nothing.
import type { ImportedHistory } from '../history/history-import';
import type { HistoryCounts } from '../history/history-types';
import { isRefusedWrite, StorageFullError } from '../errors';
import { getDb, type HearthDb } from './db';

export async function writeHistory(history: ImportedHistory): Promise<HistoryCounts> {
  const db = getDb();
  // By name: Dexie's typings recurse without end over the message table's nested versions.
  const tables = [
    'conversations',
    'messages',
    'chatAttachments',
    'chatAttachmentDocs',
    'chatAttachmentChunks',
  ] satisfies (keyof HearthDb)[];
  try {
    return await db.transaction('rw', tables, async () => {
      const ids = history.conversations.map((c) => c.id);
      const here = new Set((await db.conversations.bulkGet(ids)).flatMap((c) => (c ? [c.id] : [])));
      const fresh = (conversationId: string) => !here.has(conversationId);
      const arrivedAt = Date.now();
      const conversations = history.conversations
        .filter((c) => fresh(c.id))
        .map((c) => ({ ...c, arrivedAt }));
      const messages = history.messages.filter((m) => fresh(m.conversationId));
      const attachments = history.chatAttachments.filter((a) => fresh(a.conversationId));
      await db.conversations.bulkAdd(conversations);
      await db.messages.bulkAdd(messages);
      await db.chatAttachments.bulkAdd(attachments);
      await db.chatAttachmentDocs.bulkAdd(
        history.chatDocuments.filter((d) => fresh(d.conversationId)),
      );
      await db.chatAttachmentChunks.bulkAdd(
        history.chatChunks.filter((c) => fresh(c.conversationId)),
      );
      return {
        ...history.counts,
        conversations: conversations.length,
        messages: messages.length,
        attachments: attachments.length,
        alreadyHere: here.size,
      };
    });
  } catch (error) {
    if (isRefusedWrite(error)) throw new StorageFullError('the imported history', { cause: error });
    throw error;
  }
}
