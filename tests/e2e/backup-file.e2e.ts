// "Back up everything" where the browser has a save dialog (Chromium): the backup is encrypted
// straight into the file the user picked, read back and checked, then called done. The native
// dialog cannot be driven by a test, so a stand-in answers it as Chromium does, with a real file
// handle created empty, here in the origin-private file system (pages/backup-session.ts); the
// writing, reading back and removing go through the real File System Access calls in the vault
// worker. The file restores into a fresh profile, models included; Cancel leaves a clear message
// and no file posing as a backup (a write the file system refuses is covered by the unit test).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test, expect } from './fixtures';
import type { Page } from '@playwright/test';
import { ImportDialog } from './pages/import-dialog';
import { cacheEntries, ModelsPage } from './pages/models-page';
import {
  PASSPHRASE,
  PICKED_FILE,
  answerSaveDialog,
  endSession,
  fillBackupForm,
  freshSession,
  opfsNames,
  openBackup,
  openSettings,
  pickedFileBytes,
} from './pages/backup-session';
import { readAll } from './idb';
import { patient } from './patience';
import { TINY_LLAMA_DIR } from './model-fixtures';
import { noise } from '../fixtures/noise';

const CACHE = 'transformers-cache';
const LLAMA_KEY = 'transformers:imported/tiny-llama@fp32';

let workDir: string;

test.beforeAll(() => {
  workDir = mkdtempSync(path.join(tmpdir(), 'hearth-backup-file-'));
  const vault = path.join(workDir, 'vault');
  mkdirSync(path.join(vault, 'assets'), { recursive: true });
  writeFileSync(path.join(vault, 'Sleep log.md'), '# Sleep log\n\nSlept 7 h. 睡眠 7 小时。\n');
  writeFileSync(path.join(vault, 'Contract.md'), '# Contract\n\nClient: Acme. Rate: 90/h.\n');
  // Noise, so the backup takes more than an instant to write (Cancel has something to stop).
  writeFileSync(path.join(vault, 'assets/scan.png'), noise(24 * 1024 * 1024, 7));
});
test.afterAll(() => rmSync(workDir, { recursive: true, force: true }));

const notesOf = async (page: Page) =>
  (await readAll<{ id: string; path: string }>(page, 'notes'))
    .map(({ id, path }) => ({ id, path }))
    .sort((a, b) => a.path.localeCompare(b.path));

test('an encrypted backup with a model goes straight into the picked file, which restores into a fresh profile', async ({
  browser,
}) => {
  test.setTimeout(patient(480_000));
  const source = await freshSession(browser);
  const { page } = source;
  const dialog = new ImportDialog(page);
  await dialog.importFolder(path.join(workDir, 'vault'));
  await dialog.close();
  const models = new ModelsPage(page);
  await models.open();
  await models.importFolder(TINY_LLAMA_DIR);
  await expect(models.row(LLAMA_KEY)).toBeVisible({ timeout: patient(30_000) });
  const filesBefore = await cacheEntries(page, CACHE);
  expect(filesBefore.length).toBeGreaterThan(0);
  const notesBefore = await notesOf(page);
  expect(notesBefore).toHaveLength(2);

  await openSettings(page);
  await answerSaveDialog(page);
  await fillBackupForm(page, { includeModels: true });
  let downloads = 0;
  page.on('download', () => downloads++);
  await page.getByRole('button', { name: 'Back up everything' }).click();
  await expect(
    page.locator('.toast', { hasText: `Backed up everything to “${PICKED_FILE}”` }),
  ).toContainText('encrypted), read back and checked.', { timeout: patient(120_000) });
  expect(
    await page.evaluate(() => (window as unknown as { __suggestedName?: string }).__suggestedName),
  ).toMatch(/^hearth-backup-\d{4}-\d{2}-\d{2}\.zip\.age$/);
  // Only the picked file: no download, no swap file left behind.
  expect(downloads).toBe(0);
  expect(await opfsNames(page)).toEqual([PICKED_FILE]);
  const bytes = await pickedFileBytes(page);
  expect(bytes.subarray(0, 21).toString()).toBe('age-encryption.org/v1');
  const file = path.join(workDir, 'picked.zip.age');
  writeFileSync(file, bytes);
  await endSession(source);

  const target = await freshSession(browser);
  const restore = await openBackup(target.page, file, PASSPHRASE);
  await expect(restore.locator('tr[data-kind="notes"] td').first()).toHaveText('2', {
    timeout: patient(60_000),
  });
  await expect(restore.locator('tr[data-kind="attachments"] td').first()).toHaveText('1');
  await expect(restore.getByTestId('restore-models')).toContainText('tiny-llama');
  await restore.getByRole('button', { name: 'Merge' }).click();
  await expect(restore.getByTestId('restore-done')).toBeVisible({ timeout: patient(120_000) });
  await restore.getByRole('button', { name: 'Close' }).click();
  expect(await notesOf(target.page)).toEqual(notesBefore);
  const attachments = await readAll<{ sizeBytes: number }>(target.page, 'attachments');
  expect(attachments.map((a) => a.sizeBytes)).toEqual([24 * 1024 * 1024]);
  const byUrl = (rows: { url: string }[]) => [...rows].sort((a, b) => a.url.localeCompare(b.url));
  expect(byUrl(await cacheEntries(target.page, CACHE))).toEqual(byUrl(filesBefore));
  await endSession(target);
});

test('Cancel while the backup is saved leaves a message and no file', async ({ browser }) => {
  test.setTimeout(patient(300_000));
  const session = await freshSession(browser);
  const { page } = session;
  const dialog = new ImportDialog(page);
  await dialog.importFolder(path.join(workDir, 'vault'));
  await dialog.close();
  await openSettings(page);
  await answerSaveDialog(page);
  await fillBackupForm(page);
  await page.getByRole('button', { name: 'Back up everything' }).click();
  // Saving starts with age's scrypt (seconds, by design) and ends with another to read the file
  // back: Cancel lands well inside that.
  await expect(page.getByTestId('backup-progress')).toContainText('Saving to the file', {
    timeout: patient(60_000),
  });
  await expect(page.getByRole('progressbar', { name: /Saving to the file/ })).toBeVisible();
  await page.getByTestId('backup-cancel').click();
  await expect(page.getByTestId('backup-error')).toContainText(
    /The backup was cancelled before (it was saved|the saved file was checked)\. The unfinished file was removed\./,
    { timeout: patient(60_000) },
  );
  await expect(page.getByRole('button', { name: 'Back up everything' })).toBeEnabled();
  expect(await opfsNames(page)).toEqual([]);
  await expect(page.locator('.toast', { hasText: 'Backed up everything' })).toHaveCount(0);
  await endSession(session);
});
