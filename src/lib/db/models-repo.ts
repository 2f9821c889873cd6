// Installed-model records and app settings (mirror, routing, persona). Model files themselves
// stay in the model libraries' Cache Storage; these rows say what is there and where it came from.
import { liveQuery } from 'dexie';
import { getDb } from './db';
import type { InstalledModel } from '../llm/types';

export async function saveInstalledModel(model: InstalledModel): Promise<void> {
  await getDb().models.put(model);
}

/**
 * Writes what a check of the files found, unless the model was installed again since `seen` was
 * read (a new import or download writes a new row): a check that started before must not bring
 * the old row back over it. Resolves to whether the row was still the one checked.
 */
export async function saveFileCheck(
  seen: InstalledModel,
  found: Pick<InstalledModel, 'complete' | 'sizeBytes'>,
): Promise<boolean> {
  const db = getDb();
  return db.transaction('rw', db.models, async () => {
    const current = await db.models.get(seen.key);
    if (current?.installedAt !== seen.installedAt || current.pin?.pinnedAt !== seen.pin?.pinnedAt)
      return false;
    await db.models.put({ ...current, ...found });
    return true;
  });
}

export async function forgetInstalledModel(key: string): Promise<void> {
  await getDb().models.delete(key);
}

export function listInstalledModels(): Promise<InstalledModel[]> {
  return getDb().models.orderBy('installedAt').toArray();
}

export function observeInstalledModels(onChange: (models: InstalledModel[]) => void) {
  const subscription = liveQuery(() => getDb().models.orderBy('installedAt').toArray()).subscribe({
    next: onChange,
    error: reportError,
  });
  return () => subscription.unsubscribe();
}

export async function readSetting<T>(key: string, fallback: T): Promise<T> {
  const row = await getDb().settings.get(key);
  return row === undefined ? fallback : (row.value as T);
}

export async function writeSetting(key: string, value: unknown): Promise<void> {
  await getDb().settings.put({ key, value });
}
