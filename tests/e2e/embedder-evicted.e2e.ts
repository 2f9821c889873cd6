// The browser evicts the embedding model's files (Cache Storage emptied, the installed-model record
// left in IndexedDB): after a reload Search and Settings name the model and say what happened,
// nothing is fetched to replace it, words still find notes, "Open Models" leads to where it is
// imported again, and then the notice goes and search by meaning answers from the kept index.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, expect } from './fixtures';
import { SearchPage } from './pages/search-page';
import { MemoryPage, goInApp, type StoredVector } from './pages/memory-page';
import { ModelsPage, cacheEntries } from './pages/models-page';
import { readAll } from './idb';
import { TINY_BERT_DIR } from './model-fixtures';
import { patient } from './patience';

const MODEL_CACHE = 'transformers-cache';

const notes: Record<string, string> = {
  'kettle.md': '# Kettle\n\nDescale the kettle with vinegar every month.\n',
  'orchard.md': '# Orchard\n\nThe pear trees in the orchard need pruning in winter.\n',
  'bicycle.md': '# Bicycle\n\nPump the tyres and oil the chain before a long ride.\n',
  'letters.md': '# Letters\n\nWrite back to grandmother about the summer holiday.\n',
};

function vaultFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-evicted-'));
  mkdirSync(join(dir, 'vault'));
  for (const [name, text] of Object.entries(notes)) writeFileSync(join(dir, 'vault', name), text);
  return dir;
}

/** Each stored vector's chunk and label: a chunk embedded again gets a new label. */
const labels = (rows: StoredVector[]) => rows.map((v) => `${v.chunkId}#${v.label}`).sort();

interface LedgerRecord {
  host: string;
  modelKey: string;
}

test('an embedding model evicted by the browser is named, never fetched, and serves again once imported', async ({
  page,
}) => {
  test.setTimeout(patient(300_000));
  const search = new SearchPage(page);
  const memory = new MemoryPage(page);
  const models = new ModelsPage(page);
  const dir = vaultFolder();
  await search.open();
  expect(await search.importFolder(join(dir, 'vault'))).toBe(Object.keys(notes).length);
  rmSync(dir, { recursive: true, force: true });
  const key = await memory.importTinyBert();
  await memory.openSettingsInApp();
  await memory.waitUpToDate(Object.keys(notes).length);
  const vectors = await memory.vectors();
  expect(vectors.length).toBeGreaterThanOrEqual(Object.keys(notes).length);

  // Eviction takes a whole cache: the model's files go, its record stays.
  const stored = await cacheEntries(page, MODEL_CACHE);
  expect(stored.filter((e) => e.url.includes('/imported/tiny-bert/')).length).toBeGreaterThan(2);
  await page.evaluate((name) => caches.delete(name), MODEL_CACHE);
  expect(await cacheEntries(page, MODEL_CACHE)).toEqual([]);
  const ledgerBefore = await readAll<LedgerRecord>(page, 'requests');

  await goInApp(page, '/search');
  await page.reload();
  const notice = page.getByTestId('embedder-evicted');
  await test.step('Search names the model and says the browser removed its files', async () => {
    await expect(notice).toBeVisible({ timeout: patient(30_000) });
    await expect(notice).toHaveAttribute('data-key', key);
    await expect(notice).toContainText('The browser removed the files of the embedding model');
    await expect(notice).toContainText('“tiny-bert”');
    await expect(notice).toContainText('import it again from its files');
    await expect(notice).toContainText('Hearth will not download it on its own');
    await expect(page.getByTestId('semantic-notice')).toHaveCount(0);
  });

  await test.step('words still find notes, by words alone', async () => {
    await search.search('vinegar');
    await search.expectAnswerFor('vinegar');
    await expect(search.results).toHaveCount(1);
    await expect(search.results.first()).toHaveAttribute('data-sources', 'keyword');
    await expect(search.result('kettle.md')).toBeVisible();
  });

  await test.step('Settings says the same where the index status shows', async () => {
    await goInApp(page, '/settings');
    await expect(memory.settings.getByTestId('embedder-evicted')).toContainText('“tiny-bert”');
    await goInApp(page, '/search?q=vinegar');
    await expect(notice).toBeVisible();
  });

  await test.step('“Open Models” leads to the model, which says its files are missing', async () => {
    await notice.getByRole('link', { name: 'Open Models' }).click();
    await expect(page).toHaveURL(/\/models$/);
    await expect(page.getByRole('heading', { name: 'Models', level: 1 })).toBeVisible();
    await models.filesChecked();
    await expect(models.row(key).getByTestId('model-problem')).toHaveText(
      'Files missing — import the folder again.',
    );
  });

  await test.step('still evicted, not "no model", once Models has marked its row incomplete', async () => {
    await expect
      .poll(async () => (await readAll<{ key: string; complete: boolean }>(page, 'models'))[0])
      .toEqual(expect.objectContaining({ key, complete: false }));
    await goInApp(page, '/settings');
    await expect(memory.settings.getByTestId('embedder-evicted')).toContainText('“tiny-bert”');
    await expect(page.getByTestId('memory-no-model')).toHaveCount(0);
    await goInApp(page, '/models');
    await expect(models.row(key)).toBeVisible();
  });

  await test.step('nothing was fetched for it, nor the vectors dropped', async () => {
    // The fixture fails the test on any request off localhost; the ledger would also list one
    // the service worker refused before it left.
    expect(await readAll<LedgerRecord>(page, 'requests')).toEqual(ledgerBefore);
    expect(labels(await readAll<StoredVector>(page, 'vectors'))).toEqual(labels(vectors));
  });

  await test.step('imported again: the notice goes and search by meaning answers', async () => {
    await models.importFolder(TINY_BERT_DIR);
    await expect(models.row(key).getByTestId('model-problem')).toHaveCount(0, {
      timeout: patient(30_000),
    });
    expect((await cacheEntries(page, MODEL_CACHE)).length).toBe(stored.length);
    await search.openInApp();
    await expect(notice).toHaveCount(0, { timeout: patient(60_000) });
    await search.mode.selectOption({ label: 'Meaning only' });
    await search.search('pruning pear trees');
    await search.expectAnswerFor('pruning pear trees', 120_000);
    await expect(search.results.first()).toHaveAttribute('data-sources', 'semantic');
    await expect(page.getByTestId('semantic-notice')).toHaveCount(0);
    // The kept index served: no note was embedded again.
    expect(labels(await readAll<StoredVector>(page, 'vectors'))).toEqual(labels(vectors));
  });
});
