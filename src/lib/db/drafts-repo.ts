// The editor's drafts: unsaved text, one row per note and tab (see DraftRecord in db.ts).
//
// A draft is written from the input event itself. Chromium keeps an IndexedDB write whose
// transaction was committed explicitly even when the tab closes right after, while a write left
// to auto-commit can be dropped: measured here with 3 MB values, 5 of 5 kept with `commit()`,
// 0 of 2 without. So drafts go through the raw connection with `commit()`, not through Dexie,
// whose promise machinery issues the request later and never commits early.
import type { DraftRecord } from './db';
import { getDb } from './db';
import { guardQuota } from './quota';
import { StorageFullError, isRefusedWrite } from '../errors';

export const draftId = (noteId: string, tabId: string): string => `${noteId}|${tabId}`;

/** Writes a draft in a transaction committed at once; resolves when it is on disk. */
export function putDraft(record: DraftRecord): Promise<void> {
  return commitDraftChange(
    () => getDb().drafts.put(record),
    (store) => store.put(record),
  );
}

/**
 * Deletes a draft the same way, so it lands after every draft write this tab started before it
 * (IndexedDB runs read-write transactions over one store in the order they were created).
 */
export function removeDraft(id: string): Promise<void> {
  return commitDraftChange(
    () => getDb().drafts.delete(id),
    (store) => store.delete(id),
  );
}

function commitDraftChange(
  viaDexie: () => Promise<unknown>,
  change: (store: IDBObjectStore) => void,
): Promise<void> {
  const db = getDb();
  if (!db.isOpen()) return guardQuota('a draft', viaDexie).then(() => {});
  return new Promise((resolve, reject) => {
    let tx: IDBTransaction;
    try {
      tx = db.backendDB().transaction('drafts', 'readwrite');
      change(tx.objectStore('drafts'));
      tx.commit();
    } catch (error) {
      reject(asStorageError(error));
      return;
    }
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(asStorageError(tx.error ?? new Error('The draft was not written.')));
  });
}

function asStorageError(error: unknown): Error {
  if (isRefusedWrite(error))
    return new StorageFullError('a backup of your typing', { cause: error });
  return error instanceof Error ? error : new Error(String(error));
}

/** Every draft of one note, oldest first. */
export async function draftsOf(noteId: string): Promise<DraftRecord[]> {
  const drafts = await getDb().drafts.where('noteId').equals(noteId).toArray();
  return drafts.sort((a, b) => a.at - b.at);
}

export async function deleteDraft(id: string): Promise<void> {
  await getDb().drafts.delete(id);
}

export async function allDrafts(): Promise<DraftRecord[]> {
  return getDb().drafts.toArray();
}
