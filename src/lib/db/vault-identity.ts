// A random id stored in the database, so the app can tell "this browser's database is new" from
// "it is the one I knew". Kept in `settings`, which emptying the vault does not clear.
import { getDb } from './db';

const key = 'vault-id';

/** The database's id; a database without one gets one now and says it was created. */
export async function readOrCreateVaultId(): Promise<{ id: string; created: boolean }> {
  const db = getDb();
  return db.transaction('rw', db.settings, async () => {
    const row = await db.settings.get(key);
    if (typeof row?.value === 'string') return { id: row.value, created: false };
    const id = crypto.randomUUID();
    await db.settings.put({ key, value: id });
    return { id, created: true };
  });
}

/** The database's id without creating one (null when it has none, e.g. just discarded). */
export async function readVaultId(): Promise<string | null> {
  const row = await getDb().settings.get(key);
  return typeof row?.value === 'string' ? row.value : null;
}

/**
 * Calls `listener` `afterMs` after each time this page's connection is closed under it: by the
 * browser when it discards a database it judges corrupt (no versionchange, just a 'close') or at
 * a write a full disk refused, or for another tab's delete or upgrade. The next read reopens it
 * (Dexie fires the event before it allows that, so never call back at once).
 */
export function onDatabaseClosed(listener: () => void, afterMs: number): void {
  getDb().on('close', () => void setTimeout(listener, afterMs));
}
