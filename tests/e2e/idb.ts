// Reads Hearth's IndexedDB straight from the page, as the tests' independent view of what was
// stored (never through the app's own code).
import type { Page } from '@playwright/test';

/** Every record of one object store in the `hearth` database. */
export async function readAll<T>(page: Page, store: string): Promise<T[]> {
  return page.evaluate(async (name) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('hearth');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () =>
        reject(new Error(request.error?.message ?? 'IndexedDB request failed'));
    });
    try {
      return await new Promise<unknown[]>((resolve, reject) => {
        const request = db.transaction(name).objectStore(name).getAll();
        request.onsuccess = () => resolve(request.result);
        request.onerror = () =>
          reject(new Error(request.error?.message ?? 'IndexedDB request failed'));
      });
    } finally {
      db.close();
    }
  }, store) as Promise<T[]>;
}
