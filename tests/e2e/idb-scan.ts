// Looks for a piece of text anywhere in the origin's IndexedDB: every object store of every
// database, in values and keys, strings nested at any depth, the bytes of typed arrays and
// buffers (as UTF-8) and small Blobs. The tests' independent proof that forgotten text is gone.
import type { Page } from '@playwright/test';

export interface TextFound {
  database: string;
  store: string;
}

/** Where `needle` occurs in IndexedDB; empty when it occurs nowhere. */
export async function findInIndexedDb(page: Page, needle: string): Promise<TextFound[]> {
  return page.evaluate(async (needle) => {
    const decoder = new TextDecoder('utf-8', { fatal: false });
    const found: { database: string; store: string }[] = [];
    const maxBlobBytes = 8 * 1024 * 1024;

    async function contains(value: unknown, depth: number): Promise<boolean> {
      if (depth > 40 || value === null || value === undefined) return false;
      if (typeof value === 'string') return value.includes(needle);
      if (ArrayBuffer.isView(value))
        return decoder
          .decode(new Uint8Array(value.buffer, value.byteOffset, value.byteLength))
          .includes(needle);
      if (value instanceof ArrayBuffer) return decoder.decode(value).includes(needle);
      if (value instanceof Blob)
        return value.size <= maxBlobBytes && (await value.text()).includes(needle);
      if (typeof value !== 'object') return false;
      for (const [key, inner] of value instanceof Map ? value : Object.entries(value))
        if ((typeof key === 'string' && key.includes(needle)) || (await contains(inner, depth + 1)))
          return true;
      if (value instanceof Set)
        for (const inner of value) if (await contains(inner, depth + 1)) return true;
      return false;
    }

    const request = <T>(r: IDBRequest<T>) =>
      new Promise<T>((resolve, reject) => {
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(new Error(r.error?.message ?? 'IndexedDB request failed'));
      });

    for (const info of await indexedDB.databases()) {
      if (!info.name) continue;
      const db = await request(indexedDB.open(info.name));
      try {
        for (const store of [...db.objectStoreNames]) {
          const objectStore = db.transaction(store).objectStore(store);
          const [values, keys] = await Promise.all([
            request(objectStore.getAll()),
            request(objectStore.getAllKeys()),
          ]);
          if ((await contains(values, 0)) || (await contains(keys, 0)))
            found.push({ database: info.name, store });
        }
      } finally {
        db.close();
      }
    }
    return found;
  }, needle);
}
