// Reads Hearth's IndexedDB straight from the page, as the tests' independent view of what was
// stored (never through the app's own code).
import type { Page } from '@playwright/test';

/** One read-only request over a whole store of the `hearth` database, run in the page. */
function readStore(page: Page, store: string, method: 'getAll' | 'count'): Promise<unknown> {
  return page.evaluate(
    async ([name, how]) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open('hearth');
        request.onsuccess = () => resolve(request.result);
        request.onerror = () =>
          reject(new Error(request.error?.message ?? 'IndexedDB request failed'));
      });
      try {
        return await new Promise<unknown>((resolve, reject) => {
          const objects = db.transaction(name).objectStore(name);
          const request = how === 'count' ? objects.count() : objects.getAll();
          request.onsuccess = () => resolve(request.result);
          request.onerror = () =>
            reject(new Error(request.error?.message ?? 'IndexedDB request failed'));
        });
      } finally {
        db.close();
      }
    },
    [store, method] as const,
  );
}

/** Every record of one object store in the `hearth` database. */
export async function readAll<T>(page: Page, store: string): Promise<T[]> {
  return (await readStore(page, store, 'getAll')) as T[];
}

/** Writes one record into a store of the `hearth` database, as a damaged or edited one would be. */
export async function putRecord(page: Page, store: string, record: unknown): Promise<void> {
  await page.evaluate(
    async ([name, value]) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open('hearth');
        request.onsuccess = () => resolve(request.result);
        request.onerror = () =>
          reject(new Error(request.error?.message ?? 'IndexedDB request failed'));
      });
      try {
        await new Promise<void>((resolve, reject) => {
          const tx = db.transaction(name, 'readwrite');
          tx.objectStore(name).put(value);
          tx.oncomplete = () => resolve();
          tx.onerror = () => reject(new Error(tx.error?.message ?? 'IndexedDB write failed'));
        });
      } finally {
        db.close();
      }
    },
    [store, record] as const,
  );
}

/** How many records one object store of the `hearth` database holds (nothing else is read). */
export async function countRecords(page: Page, store: string): Promise<number> {
  return (await readStore(page, store, 'count')) as number;
}
