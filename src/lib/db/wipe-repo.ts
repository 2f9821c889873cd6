// Wiping whole kinds of data from the store, each in one transaction: every conversation (with
// its messages, attached files and their passages), and the database itself.
import { getDb, DB_NAME, type HearthDb } from './db';
import { HearthError } from '../errors';

/** Deletes every conversation, message, chat attachment and its passages; returns how many chats. */
export async function wipeConversations(): Promise<number> {
  const db = getDb();
  // By name: Dexie's typings recurse without end over the message table's nested versions.
  const tables = [
    'conversations',
    'messages',
    'chatAttachments',
    'chatAttachmentDocs',
    'chatAttachmentChunks',
  ] satisfies (keyof HearthDb)[];
  return db.transaction('rw', tables, async () => {
    const count = await db.conversations.count();
    for (const name of tables) await db.table(name).clear();
    return count;
  });
}

export class WipeBlockedError extends HearthError {
  override name = 'WipeBlockedError';
  constructor() {
    super('Hearth is open in another tab or window: close it there, then delete everything again.');
  }
}

/**
 * Deletes every IndexedDB database of this origin (Hearth's, and any a library made). Called at
 * start, before anything opened one; another tab still holding one blocks it.
 */
export async function deleteAllDatabases(timeoutMs = 10_000): Promise<void> {
  const names = new Set([DB_NAME]);
  for (const info of await indexedDB.databases()) if (info.name) names.add(info.name);
  for (const name of names) {
    await new Promise<void>((resolve, reject) => {
      const request = indexedDB.deleteDatabase(name);
      const timer = setTimeout(() => reject(new WipeBlockedError()), timeoutMs);
      request.onsuccess = () => {
        clearTimeout(timer);
        resolve();
      };
      request.onerror = () => {
        clearTimeout(timer);
        reject(request.error ?? new Error(`Could not delete the database ${name}.`));
      };
    });
  }
}
