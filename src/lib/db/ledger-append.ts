/*
 * Appends one row to the request ledger (`hearth` database, `requests` store) without Dexie, for
 * the service worker: it must not open the app's database with a schema of its own, which may be
 * older than the page's. It opens whatever version exists, writes, and closes at once (so a
 * schema upgrade or a wipe is never blocked by it). Pages showing the ledger are told on a
 * BroadcastChannel, since Dexie's live queries only see Dexie's own writes.
 */
import type { RequestRecord } from './db';
import { DB_NAME } from './db-name';

export const LEDGER_CHANNEL = 'hearth-ledger';

export function appendLedgerRow(row: Omit<RequestRecord, 'seq'>): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME);
    // No database yet: the app has not started here, so there is no ledger to write to. Creating
    // an empty one would confuse the app's own first open; give up instead.
    request.onupgradeneeded = () => request.transaction?.abort();
    request.onerror = () => reject(request.error ?? new Error('Couldn’t open the ledger.'));
    request.onsuccess = () => {
      const db = request.result;
      db.onversionchange = () => db.close();
      if (!db.objectStoreNames.contains('requests')) {
        db.close();
        resolve();
        return;
      }
      const tx = db.transaction('requests', 'readwrite');
      tx.objectStore('requests').add(row);
      tx.oncomplete = () => {
        db.close();
        const channel = new BroadcastChannel(LEDGER_CHANNEL);
        channel.postMessage('added');
        channel.close();
        resolve();
      };
      tx.onerror = tx.onabort = () => {
        db.close();
        reject(tx.error ?? new Error('Couldn’t write the ledger.'));
      };
    };
  });
}
