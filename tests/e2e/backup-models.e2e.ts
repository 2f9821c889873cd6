// A backup that carries the models themselves (issue 12, `models/`): a profile with a chat model
// (the tiny Llama) and an embedding model (the tiny BERT) that has indexed the notes is backed up
// encrypted with its models and index, and restored with Replace into a fresh profile (another
// machine, no network) that held a note of its own. There both models come back where an import
// would have put them, byte for byte; with the network off and the app sealed, the chat model
// loads and answers, and search by meaning answers exactly as before without embedding a passage.
// A WebLLM model's files (no inference here: SwiftShader has no compiled library for a made-up
// model) come back into web-llm's own caches.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test, expect, isLocalUrl } from './fixtures';
import { ImportDialog } from './pages/import-dialog';
import { MemoryPage, goInApp, type StoredJob } from './pages/memory-page';
import { cacheEntries, ModelsPage, shownBytes, totalBytes } from './pages/models-page';
import { NetworkPage } from './pages/network-page';
import { setAnswerTokens } from './pages/chat-page';
import {
  PASSPHRASE,
  backUp,
  endSession,
  freshSession,
  meaningSearch,
  openBackup,
  storedIndex,
  writeIndexedVault,
} from './pages/backup-session';
import { appWorker, workerCall } from './pages/worker-rpc';
import { readAll } from './idb';
import { patient } from './patience';
import { TINY_LLAMA_DIR } from './model-fixtures';
import { fakeWebLlmFolder, webLlmCacheEntries } from './webllm-folder';
import type { MemoryStatus } from '../../src/lib/search/memory-types';

const CACHE = 'transformers-cache';
const LLAMA_KEY = 'transformers:imported/tiny-llama@fp32';
const query = 'pack water before the hike';

let workDir: string;

test.beforeAll(() => {
  workDir = mkdtempSync(path.join(tmpdir(), 'hearth-backup-models-'));
  writeIndexedVault(path.join(workDir, 'vault'));
  const other = path.join(workDir, 'other', 'laptop');
  mkdirSync(other, { recursive: true });
  writeFileSync(path.join(other, 'Old.md'), '# Old\n\nOnly on this machine.\n');
});
test.afterAll(() => rmSync(workDir, { recursive: true, force: true }));

const byUrl = <T extends { url: string }>(rows: T[]) =>
  [...rows].sort((a, b) => a.url.localeCompare(b.url));

test('a backup with its models and index replaces a fresh profile; offline and sealed, both models answer and nothing is embedded again', async ({
  browser,
}) => {
  test.setTimeout(patient(600_000));
  const file = path.join(workDir, 'with-models.zip.age');

  const source = await freshSession(browser);
  await setAnswerTokens(source.page, 16);
  await source.page.goto('/');
  const dialog = new ImportDialog(source.page);
  await dialog.importFolder(path.join(workDir, 'vault'));
  await dialog.close();
  const memory = new MemoryPage(source.page);
  const bertKey = await memory.importTinyBert();
  const models = new ModelsPage(source.page);
  await models.importFolder(TINY_LLAMA_DIR);
  await expect(models.row(LLAMA_KEY)).toBeVisible({ timeout: patient(30_000) });
  await memory.openSettingsInApp();
  await memory.waitUpToDate(3);
  const indexBefore = await storedIndex(memory);
  expect(indexBefore.chunks.length).toBeGreaterThan(3);
  const answerBefore = await meaningSearch(source.page, query);
  expect(answerBefore.length).toBeGreaterThan(0);
  const filesBefore = byUrl(await cacheEntries(source.page, CACHE));
  const modelBytes = totalBytes(filesBefore);
  expect(modelBytes).toBeGreaterThan(500_000);
  // Off by default, showing what it adds.
  await expect(source.page.getByTestId('backup-include-models')).not.toBeChecked();
  await expect(
    source.page.locator('label', { has: source.page.getByTestId('backup-include-models') }),
  ).toContainText(`2 models, ${shownBytes(modelBytes)}`);
  await backUp(source.page, file, { includeModels: true });
  expect(readFileSync(file).subarray(0, 21).toString()).toBe('age-encryption.org/v1');
  expect(statSync(file).size).toBeGreaterThan(modelBytes);
  await endSession(source);

  const target = await freshSession(browser);
  const { page, context } = target;
  const here = new ImportDialog(page);
  await here.importFolder(path.join(workDir, 'other', 'laptop'));
  await here.close();
  expect(await cacheEntries(page, CACHE)).toEqual([]);
  const restore = await openBackup(page, file, PASSPHRASE);
  const carried = restore.getByTestId('restore-models');
  await expect(carried).toContainText('tiny-llama', { timeout: patient(60_000) });
  await expect(carried).toContainText('tiny-bert');
  await restore.getByRole('radio', { name: /Replace everything here/ }).check();
  await expect(restore.getByTestId('restore-index')).toContainText(
    `Semantic index: ${indexBefore.chunks.length} of ${indexBefore.chunks.length} passages`,
  );
  await expect(carried).toContainText('Installed by this restore');
  await restore.getByTestId('restore-confirm').fill('replace');
  await restore.getByRole('button', { name: 'Replace everything' }).click();
  await expect(restore.getByTestId('restore-done')).toBeVisible({ timeout: patient(120_000) });
  await restore.getByRole('button', { name: 'Close' }).click();

  // Replaced: the backup's notes only. The models' files are where an import put them, byte for
  // byte, and their records came with them.
  const paths = (await readAll<{ path: string }>(page, 'notes')).map((n) => n.path).sort();
  expect(paths).toEqual(['vault/Cooking.md', 'vault/Hiking.md', 'vault/Short.md']);
  expect(byUrl(await cacheEntries(page, CACHE))).toEqual(filesBefore);
  const records = await readAll<{ key: string; complete: boolean }>(page, 'models');
  expect(records.map((r) => r.key).sort()).toEqual([bertKey, LLAMA_KEY].sort());

  const memoryWorker = await appWorker(page, /memory\.worker/);
  const settled = await workerCall<MemoryStatus>(memoryWorker, 'settled', {});
  const targetMemory = new MemoryPage(page);
  expect(await storedIndex(targetMemory)).toEqual(indexBefore);
  const jobs = await readAll<StoredJob>(page, 'jobs');
  expect(jobs.filter((j) => j.status === 'done')).toHaveLength(3);
  expect(settled.passagesEmbedded).toBe(0);

  // Another machine with no network: the app from the service worker's precache, the network
  // sealed (a model is installed) and the browser offline.
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await page.reload();
  const network = new NetworkPage(page);
  await network.expectStarted();
  await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);
  await network.expectState('sealed');
  const offLocalhost: string[] = [];
  context.on('request', (request) => {
    if (!isLocalUrl(request.url())) offLocalhost.push(request.url());
  });
  await context.setOffline(true);

  // The embedding model loads from the restored files (their hashes checked) and answers.
  expect(await meaningSearch(page, query)).toEqual(answerBefore);
  const afterSearch = await workerCall<MemoryStatus>(
    await appWorker(page, /memory\.worker/),
    'status',
    {},
  );
  expect(afterSearch.passagesEmbedded).toBe(0);

  // The chat model loads and answers.
  await goInApp(page, '/models');
  const restoredModels = new ModelsPage(page);
  const row = restoredModels.row(LLAMA_KEY);
  await row.getByRole('button', { name: 'Load', exact: true }).click();
  await expect(row.getByTestId('model-loaded')).toHaveText('Loaded', { timeout: patient(90_000) });
  await page.getByRole('link', { name: 'Chat', exact: true }).click();
  await page.getByRole('textbox', { name: 'Message' }).fill('What is on the hiking list?');
  await page.getByRole('button', { name: 'Send' }).click();
  const answer = page.locator('[data-testid=chat-message][data-role=assistant]');
  await expect(answer).toHaveAttribute('data-status', 'done', { timeout: patient(120_000) });
  await expect(answer.getByTestId('message-text')).not.toBeEmpty();
  await expect(answer.getByTestId('message-model')).toContainText('tiny-llama');
  expect(offLocalhost, 'requests that left localhost offline').toEqual([]);
  await context.setOffline(false);
  await endSession(target);
});

test('an imported WebLLM model comes back into web-llm’s own caches, listed installed with no file missing', async ({
  browser,
}, testInfo) => {
  test.setTimeout(patient(300_000));
  const file = path.join(workDir, 'webllm.zip.age');
  const key = 'webllm:imported-fake-mlc';
  const name = 'fake-mlc (imported)';

  const source = await freshSession(browser);
  const models = new ModelsPage(source.page);
  await models.open();
  const folder = fakeWebLlmFolder(testInfo.outputPath('mlc'));
  await models.importFolder(folder.dir);
  await expect(models.row(key)).toBeVisible({ timeout: patient(30_000) });
  const filesBefore = byUrl(await webLlmCacheEntries(source.page));
  expect(filesBefore).toHaveLength(5);
  await backUp(source.page, file, { includeModels: true });
  await endSession(source);

  const target = await freshSession(browser);
  const restore = await openBackup(target.page, file, PASSPHRASE);
  await expect(restore.getByTestId('restore-models')).toContainText(name, {
    timeout: patient(60_000),
  });
  await restore.getByRole('button', { name: 'Merge' }).click();
  await expect(restore.getByTestId('restore-done')).toBeVisible({ timeout: patient(60_000) });
  await restore.getByRole('button', { name: 'Close' }).click();

  // Each file at the cache and URL web-llm itself looks under (config, weights, library), so the
  // model store finds all of them after a reload.
  expect(byUrl(await webLlmCacheEntries(target.page))).toEqual(filesBefore);
  await goInApp(target.page, '/models');
  const restored = new ModelsPage(target.page);
  await restored.filesChecked();
  const row = restored.row(key);
  await expect(row.getByRole('heading')).toHaveText(name);
  await expect(row.getByTestId('model-size')).toHaveText(`${shownBytes(folder.sizeBytes)} on disk`);
  await expect(row.getByTestId('model-problem')).toHaveCount(0);
  await expect(row.getByRole('button', { name: 'Load', exact: true })).toBeVisible();
  await endSession(target);
});
