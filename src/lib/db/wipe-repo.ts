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
  // Hearth's own database first, and whatever the browser can list after it (where it cannot,
  // Hearth's is still deleted). One that stays blocked does not stop the others.
  const names = new Set([DB_NAME]);
  try {
    for (const info of await indexedDB.databases()) if (info.name) names.add(info.name);
  } catch {
    // No listing in this browser: Hearth's own database is the one that matters.
  }
  const failures: Error[] = [];
  for (const name of names) {
    await deleteDatabase(name, timeoutMs).catch((error: unknown) => {
      failures.push(error instanceof Error ? error : new Error(String(error)));
    });
  }
  if (failures[0]) throw failures[0];
}

function deleteDatabase(name: string, timeoutMs: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
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
