// Wiping from Settings (issue 12 part 6), each after a typed confirmation: conversations, memory
// and models go alone; "Delete everything" empties IndexedDB, Cache Storage, localStorage, the
// origin-private file system and the service worker registration, and the app starts clean.
import { test, expect } from './fixtures';
import type { Page } from '@playwright/test';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ImportDialog } from './pages/import-dialog';
import { MemoryViewPage, seedChats } from './pages/memory-view-page';
import { ModelsPage } from './pages/models-page';
import { TINY_BERT_DIR } from './model-fixtures';
import { readAll } from './idb';
import { patient } from './patience';

async function openSettings(page: Page): Promise<void> {
  await page.getByRole('link', { name: 'Settings', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Delete your data' })).toBeVisible();
}

/** Clicks a wipe button, checks the typed confirmation gates it, and confirms. */
async function wipe(page: Page, button: string, word: string): Promise<void> {
  await openSettings(page);
  await page.getByRole('button', { name: button }).click();
  const dialog = page.getByRole('dialog');
  const confirm = dialog.getByRole('button', { name: button });
  await expect(confirm).toBeDisabled();
  await dialog.getByTestId('wipe-confirm').fill('yes');
  await expect(confirm).toBeDisabled();
  await dialog.getByTestId('wipe-confirm').fill(word);
  await confirm.click();
}

/** Every object store of the `hearth` database with its record count (none when it is absent). */
function storeCounts(page: Page): Promise<Record<string, number>> {
  return page.evaluate(async () => {
    const names = (await indexedDB.databases()).map((d) => d.name);
    if (!names.includes('hearth')) return {};
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('hearth');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(new Error('open failed'));
    });
    const out: Record<string, number> = {};
    try {
      for (const name of Array.from(db.objectStoreNames)) {
        out[name] = await new Promise<number>((resolve, reject) => {
          const request = db.transaction(name).objectStore(name).count();
          request.onsuccess = () => resolve(request.result);
          request.onerror = () => reject(new Error('count failed'));
        });
      }
    } finally {
      db.close();
    }
    return out;
  });
}

test.describe('wiping', () => {
  let vault: string;
  test.beforeAll(() => {
    vault = mkdtempSync(path.join(tmpdir(), 'hearth-wipe-'));
    mkdirSync(path.join(vault, 'notes'));
    writeFileSync(path.join(vault, 'notes', 'Health log.md'), '# Health log\n\nRan 5 km.\n');
    writeFileSync(path.join(vault, 'notes', 'photo.png'), new Uint8Array(2048).fill(7));
  });
  test.afterAll(() => rmSync(vault, { recursive: true, force: true }));

  test('conversations, memory and models are each wiped alone, after typing what it does', async ({
    page,
  }) => {
    test.setTimeout(patient(180_000));
    await page.goto('/');
    // The app opens its database once it has mounted, which can come after `load`: a raw open
    // before that would create an empty database in its place.
    await expect(page.getByRole('button', { name: 'New note' })).toBeVisible();
    await seedChats(page, [
      {
        id: 'c1',
        title: 'Sleep',
        messages: ['How did I sleep?', 'Well.'],
        memories: ['The user sleeps 7 h.'],
      },
    ]);
    const memory = new MemoryViewPage(page);
    await memory.open();
    await memory.add('The user is vegetarian.');
    const models = new ModelsPage(page);
    await models.open();
    await models.importFolder(TINY_BERT_DIR);
    await expect(page.getByTestId('installed-model')).toHaveCount(1, { timeout: patient(60_000) });

    await wipe(page, 'Delete all conversations', 'delete chats');
    await expect.poll(() => readAll(page, 'conversations')).toEqual([]);
    expect(await readAll(page, 'messages')).toEqual([]);
    expect(await readAll(page, 'memories')).toHaveLength(2);

    await wipe(page, 'Forget all memories', 'forget memories');
    await expect.poll(() => readAll(page, 'memories')).toEqual([]);
    expect(await readAll(page, 'memoryVectors')).toEqual([]);
    expect(await readAll(page, 'models')).toHaveLength(1);

    await wipe(page, 'Delete all models', 'delete models');
    await expect.poll(() => readAll(page, 'models'), { timeout: patient(30_000) }).toEqual([]);
    const cached = await page.evaluate(async () => {
      let n = 0;
      for (const key of await caches.keys())
        if (!key.startsWith('workbox') && !key.includes('precache'))
          n += (await (await caches.open(key)).keys()).length;
      return n;
    });
    expect(cached).toBe(0);
  });

  test('delete everything empties every store, cache and file, and the app starts clean, with another tab open', async ({
    page,
    context,
  }) => {
    test.setTimeout(patient(180_000));
    await page.goto('/');
    const dialog = new ImportDialog(page);
    await dialog.importFolder(vault);
    await dialog.close();
    await seedChats(page, [
      {
        id: 'c1',
        title: 'Sleep',
        messages: ['How did I sleep?', 'Well.'],
        memories: ['Sleeps 7 h.'],
      },
    ]);
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
      localStorage.setItem('hearth:test-left-behind', 'x');
      await (await caches.open('hearth-test-cache')).put('/left-behind', new Response('x'));
      const root = await navigator.storage.getDirectory();
      const file = await root.getFileHandle('left-behind.bin', { create: true });
      const writable = await file.createWritable();
      await writable.write('x');
      await writable.close();
    });
    const before = await storeCounts(page);
    expect(before.notes).toBe(1);
    expect(before.attachments).toBe(1);
    const [vaultId] = await readAll<{ key: string; value: string }>(page, 'settings').then((rows) =>
      rows.filter((r) => r.key === 'vault-id').map((r) => r.value),
    );
    expect(vaultId).toBeTruthy();

    // Another tab is open: it reloads with this one, and waits for the wipe before it opens
    // anything (else it could re-create the database between the request and the wipe).
    const other = await context.newPage();
    await other.goto('/');
    await expect(other.getByRole('button', { name: 'New note' })).toBeVisible();

    await wipe(page, 'Delete everything', 'delete everything');
    await expect(page.getByText('Everything Hearth kept in this browser was deleted.')).toBeVisible(
      {
        timeout: patient(60_000),
      },
    );
    await expect(page.getByRole('button', { name: 'New note' })).toBeVisible();

    const after = await storeCounts(page);
    for (const [store, count] of Object.entries(after)) {
      // The clean start writes the new database's id (settings) and its empty keyword index
      // (meta): nothing of the user's, as the search for their words below shows.
      if (store === 'settings' || store === 'meta') continue;
      expect(count, store).toBe(0);
    }
    const everything = JSON.stringify([
      await readAll(page, 'meta'),
      await readAll(page, 'settings'),
    ]);
    for (const words of ['Health log', 'Ran 5 km', 'Sleeps 7 h', 'How did I sleep'])
      expect(everything).not.toContain(words);
    const settings = await readAll<{ key: string; value: unknown }>(page, 'settings');
    expect(settings.every((s) => s.key === 'vault-id' || s.key.startsWith('memory.'))).toBe(true);
    expect(settings.find((s) => s.key === 'vault-id')?.value).not.toBe(vaultId);
    const left = await page.evaluate(async () => {
      const root = await navigator.storage.getDirectory();
      const files: string[] = [];
      for await (const name of (root as unknown as { keys(): AsyncIterable<string> }).keys())
        files.push(name);
      return {
        local: localStorage.getItem('hearth:test-left-behind'),
        cache: (await caches.keys()).includes('hearth-test-cache'),
        files,
      };
    });
    expect(left).toEqual({ local: null, cache: false, files: [] });
    // The other tab started clean on the same new database, and says why.
    await expect(
      other.getByText('Everything Hearth kept in this browser was deleted, from another tab.'),
    ).toBeVisible();
    const otherVault = await readAll<{ key: string; value: string }>(other, 'settings').then(
      (rows) => rows.find((r) => r.key === 'vault-id')?.value,
    );
    expect(otherVault).toBe(settings.find((s) => s.key === 'vault-id')?.value);
    // The app registers its service worker again, as on a first visit.
    await expect
      .poll(() => page.evaluate(async () => !!(await navigator.serviceWorker.getRegistration())), {
        timeout: patient(30_000),
      })
      .toBe(true);
  });
});
