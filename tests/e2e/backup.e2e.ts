// Backup and restore of all personal state (issue 12): a vault with notes, a trashed note, an
// attachment, chats with memories and settings is backed up encrypted from Settings, and restored
// into a fresh profile (another laptop): every record equal, search answers. A wrong passphrase
// and a damaged file are refused with a message and nothing is written; a merge over a note that
// differs keeps both texts.
import AxeBuilder from '@axe-core/playwright';
import { test, expect } from './fixtures';
import type { Page } from '@playwright/test';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ImportDialog } from './pages/import-dialog';
import { MemoryViewPage, seedChats } from './pages/memory-view-page';
import { SearchPage } from './pages/search-page';
import { readAll } from './idb';
import { patient } from './patience';
import { MemoryPage, type StoredJob } from './pages/memory-page';
import { appWorker, workerCall } from './pages/worker-rpc';
import type { MemoryStatus } from '../../src/lib/search/memory-types';
import {
  PASSPHRASE,
  backUp,
  endSession,
  freshSession,
  meaningSearch,
  openBackup,
  openSettings,
  storedIndex,
  writeIndexedVault,
} from './pages/backup-session';

/** Every store a backup carries, sorted, as the tests' independent view of IndexedDB. */
async function personalState(page: Page) {
  const byId = <T extends { id?: string; key?: string }>(rows: T[]) =>
    rows.sort((a, b) => String(a.id ?? a.key).localeCompare(String(b.id ?? b.key)));
  const settings = (await readAll<{ key: string; value: unknown }>(page, 'settings')).filter(
    (s) => !['vault-id', 'memory.serving'].includes(s.key) && !s.key.startsWith('memory.device:'),
  );
  const attachments = await readAll<{ id: string; path: string; hash: string }>(
    page,
    'attachments',
  );
  return {
    notes: byId(await readAll<{ id: string }>(page, 'notes')),
    bodies: byId(await readAll<{ id: string }>(page, 'bodies')),
    attachments: byId(attachments.map(({ id, path, hash }) => ({ id, path, hash }))),
    // A restored chat is stamped with its arrival (retention counts from it): compared without.
    conversations: byId(
      (await readAll<{ id: string; arrivedAt?: number }>(page, 'conversations')).map(
        ({ arrivedAt: _arrived, ...rest }) => rest,
      ),
    ),
    messages: byId(await readAll<{ id: string }>(page, 'messages')),
    memories: byId(await readAll<{ id: string }>(page, 'memories')),
    settings: byId(settings),
  };
}

test.describe.serial('backup and restore', () => {
  let workDir: string;
  let backupFile: string;
  let before: Awaited<ReturnType<typeof personalState>>;

  test.beforeAll(() => {
    workDir = mkdtempSync(path.join(tmpdir(), 'hearth-backup-'));
    backupFile = path.join(workDir, 'backup.zip.age');
    const vault = path.join(workDir, 'vault');
    mkdirSync(path.join(vault, 'journal'), { recursive: true });
    mkdirSync(path.join(vault, 'assets'), { recursive: true });
    writeFileSync(path.join(vault, 'Sleep log.md'), '# Sleep log\n\nSlept 7 h. 睡眠 7 小时。\r\n');
    writeFileSync(path.join(vault, 'journal/2026-12-01.md'), '# 2026-12-01\n\nRiver walk.\n');
    writeFileSync(path.join(vault, 'Contract.md'), '# Contract\n\nClient: Acme. Rate: 90/h.\n');
    writeFileSync(
      path.join(vault, 'assets/scan.png'),
      new Uint8Array(4096).map((_, i) => i % 256),
    );
  });
  test.afterAll(() => rmSync(workDir, { recursive: true, force: true }));

  test('an encrypted backup restores into a fresh profile with every record equal', async ({
    browser,
  }) => {
    test.setTimeout(patient(240_000));
    const source = await freshSession(browser);
    const { page } = source;
    const dialog = new ImportDialog(page);
    await dialog.importFolder(path.join(workDir, 'vault'));
    await dialog.close();
    await seedChats(page, [
      {
        id: 'chat-sleep',
        title: 'Sleep questions',
        messages: ['How did I sleep?', 'About 7 hours.'],
        memories: ['The user tracks sleep.'],
      },
    ]);
    const memory = new MemoryViewPage(page);
    await memory.open();
    await memory.add('The user is vegetarian.');
    before = await personalState(page);
    expect(before.notes).toHaveLength(3);
    expect(before.memories).toHaveLength(2);
    await backUp(page, backupFile);
    // Not a zip any tool reads as such: an age file.
    expect(readFileSync(backupFile).subarray(0, 21).toString()).toBe('age-encryption.org/v1');
    await endSession(source);

    const target = await freshSession(browser);
    const restore = await openBackup(target.page, backupFile, PASSPHRASE);
    await expect(restore.getByTestId('restore-counts')).toBeVisible({ timeout: patient(60_000) });
    const row = (kind: string) => restore.locator(`tr[data-kind="${kind}"] td`).first();
    await expect(row('notes')).toHaveText('3');
    await expect(row('attachments')).toHaveText('1');
    await expect(row('memories')).toHaveText('2');
    await expect(restore.getByTestId('restore-merge-summary')).toContainText('0 already here');
    const axe = await new AxeBuilder({ page: target.page })
      .include('[data-testid=restore-dialog]')
      .analyze();
    expect(axe.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
    await restore.getByRole('button', { name: 'Merge' }).click();
    await expect(restore.getByTestId('restore-done')).toBeVisible({ timeout: patient(60_000) });
    await restore.getByRole('button', { name: 'Close' }).click();

    const after = await personalState(target.page);
    expect(after).toEqual(before);
    const search = new SearchPage(target.page);
    await search.open('Acme');
    await expect(search.result('Contract.md')).toBeVisible({ timeout: patient(30_000) });
    await endSession(target);
  });

  test('an encrypted backup with its semantic index restores into a fresh profile and searches by meaning at once, with no passage embedded', async ({
    browser,
  }) => {
    test.setTimeout(patient(360_000));
    const vault = path.join(workDir, 'indexed', 'vault');
    writeIndexedVault(vault);
    const file = path.join(workDir, 'indexed.zip.age');
    const query = 'pack water before the hike';

    const source = await freshSession(browser);
    const dialog = new ImportDialog(source.page);
    await dialog.importFolder(vault);
    await dialog.close();
    const memory = new MemoryPage(source.page);
    await memory.importTinyBert();
    await memory.openSettingsInApp();
    await memory.waitUpToDate(3);
    const indexBefore = await storedIndex(memory);
    expect(indexBefore.chunks.length).toBeGreaterThan(3);
    const answerBefore = await meaningSearch(source.page, query);
    expect(answerBefore.length).toBeGreaterThan(0);
    await backUp(source.page, file);
    await endSession(source);

    const target = await freshSession(browser);
    const targetMemory = new MemoryPage(target.page);
    // The same model on the new machine (installed before: no notes yet, nothing to embed).
    await targetMemory.importTinyBert();
    const restore = await openBackup(target.page, file, PASSPHRASE);
    await expect(restore.getByTestId('restore-index')).toContainText(
      `Semantic index: ${indexBefore.chunks.length} of ${indexBefore.chunks.length} passages`,
      { timeout: patient(60_000) },
    );
    await restore.getByRole('button', { name: 'Merge' }).click();
    await expect(restore.getByTestId('restore-done')).toBeVisible({ timeout: patient(60_000) });
    await restore.getByRole('button', { name: 'Close' }).click();

    const memoryWorker = await appWorker(target.page, /memory\.worker/);
    const status = await workerCall<MemoryStatus>(memoryWorker, 'settled', {});
    expect(await storedIndex(targetMemory)).toEqual(indexBefore);
    const jobs = await readAll<StoredJob>(target.page, 'jobs');
    expect(jobs.filter((j) => j.status === 'done')).toHaveLength(3);
    expect(await meaningSearch(target.page, query)).toEqual(answerBefore);
    // Not one passage was embedded on this profile: the answers came from the restored rows.
    expect(status.passagesEmbedded).toBe(0);
    expect((await workerCall<MemoryStatus>(memoryWorker, 'status', {})).passagesEmbedded).toBe(0);
    const search = new SearchPage(target.page);
    await search.open();
    await search.mode.selectOption({ label: 'Meaning only' });
    await search.search(query);
    await expect(search.results.first()).toHaveAttribute('data-sources', 'semantic', {
      timeout: patient(30_000),
    });
    await endSession(target);
  });

  test('a wrong passphrase and a damaged backup are refused, and nothing is written', async ({
    browser,
  }) => {
    test.setTimeout(patient(180_000));
    const session = await freshSession(browser);
    const restore = await openBackup(session.page, backupFile, 'not-the-passphrase');
    await expect(restore.getByTestId('restore-error')).toContainText(
      'That passphrase does not open this backup',
      { timeout: patient(60_000) },
    );
    const damaged = path.join(workDir, 'damaged.zip.age');
    const bytes = readFileSync(backupFile);
    bytes[Math.floor(bytes.length / 2)]! ^= 0x40;
    writeFileSync(damaged, bytes);
    await restore.getByTestId('restore-file').setInputFiles(damaged);
    await restore.getByLabel('Passphrase').fill(PASSPHRASE);
    await restore.getByRole('button', { name: 'Open' }).click();
    await expect(restore.getByTestId('restore-error')).toContainText('damaged', {
      timeout: patient(60_000),
    });
    await expect(restore.getByTestId('restore-counts')).toHaveCount(0);
    expect(await readAll(session.page, 'notes')).toEqual([]);
    expect(await readAll(session.page, 'memories')).toEqual([]);
    await endSession(session);
  });

  test('a merge over a note that differs keeps both texts; replace asks for a typed confirmation', async ({
    browser,
  }) => {
    test.setTimeout(patient(240_000));
    const session = await freshSession(browser);
    const { page } = session;
    const dialog = new ImportDialog(page);
    // The same folder name as the backed-up vault, so the note has the same path there.
    const here = path.join(workDir, 'here', 'vault');
    mkdirSync(here, { recursive: true });
    writeFileSync(path.join(here, 'Sleep log.md'), '# Sleep log\n\nThis laptop: slept 5 h.\n');
    await dialog.importFolder(here);
    await dialog.close();

    const restore = await openBackup(page, backupFile, PASSPHRASE);
    await expect(restore.getByTestId('restore-conflicts')).toContainText('Sleep log.md', {
      timeout: patient(60_000),
    });
    await restore.getByRole('radio', { name: /Replace everything here/ }).check();
    const replace = restore.getByRole('button', { name: 'Replace everything' });
    await expect(replace).toBeDisabled();
    await restore.getByTestId('restore-confirm').fill('replace');
    await expect(replace).toBeEnabled();
    await restore.getByRole('radio', { name: /Merge into what is here/ }).check();
    await expect(restore.getByTestId('restore-conflicts')).toContainText('Sleep log.md');
    await restore.getByRole('button', { name: 'Merge' }).click();
    await expect(restore.getByTestId('restore-done')).toBeVisible({ timeout: patient(60_000) });

    const bodies = (await readAll<{ content: string }>(page, 'bodies')).map((b) => b.content);
    expect(bodies).toContain('# Sleep log\n\nThis laptop: slept 5 h.\n');
    expect(bodies.some((b) => b.includes('Slept 7 h. 睡眠 7 小时。'))).toBe(true);
    const paths = (await readAll<{ path: string }>(page, 'notes')).map((n) => n.path);
    expect(paths).toContain('vault/Sleep log.md');
    expect(paths.some((p) => /^vault\/Sleep log \(conflict .*\)\.md$/.test(p))).toBe(true);
    await endSession(session);
  });

  test('ChatGPT and Claude history comes home with its branches; a second import adds nothing', async ({
    browser,
  }) => {
    test.setTimeout(patient(180_000));
    const session = await freshSession(browser);
    const { page } = session;
    await openSettings(page);
    const file = page.getByTestId('history-file');
    await file.setInputFiles('tests/fixtures/history/chatgpt-conversations.json');
    const report = page.getByTestId('history-report');
    await expect(report).toContainText('Imported 2 conversations (6 messages) from ChatGPT');
    await expect(report).toContainText('1 could not be read and were skipped');
    await file.setInputFiles('tests/fixtures/history/claude-conversations.json');
    await expect(report).toContainText('Imported 2 conversations (4 messages) from Claude');
    await expect(report).toContainText('with 1 attached files');
    await file.setInputFiles('tests/fixtures/history/chatgpt-conversations.json');
    await expect(report).toContainText('Imported 0 conversations');
    await expect(report).toContainText('2 were here already');
    await file.setInputFiles({
      name: 'notes.json',
      mimeType: 'application/json',
      buffer: Buffer.from('[1,2]'),
    });
    await expect(page.getByTestId('history-error')).toContainText(
      'neither a ChatGPT nor a Claude export',
    );

    await page.getByRole('link', { name: 'Chat', exact: true }).click();
    await page.getByRole('link', { name: 'Trip to Kyoto' }).click();
    const messages = page.getByTestId('chat-message');
    await expect(messages).toHaveCount(4);
    const edited = messages.nth(2);
    await expect(edited).toContainText('Add a day trip to Osaka instead.');
    await expect(edited.getByTestId('message-version')).toHaveText('2/2');
    await edited.getByRole('button', { name: 'Previous version' }).click();
    await expect(messages.nth(2)).toContainText('Add a day trip to Nara.');
    await expect(messages.nth(3)).toContainText('Swap day 3 for Nara');
    expect((await readAll(page, 'conversations')).length).toBe(4);
    await endSession(session);
  });

  test('scheduled backups go to the picked folder encrypted to a backup key, keep the last K, and restore with the key', async ({
    browser,
  }) => {
    test.setTimeout(patient(240_000));
    const session = await freshSession(browser);
    const { page } = session;
    // The native folder dialog cannot be driven: it answers with a real directory handle from
    // the origin-private file system (as in folder-picker.e2e.ts).
    await page.addInitScript(() => {
      (
        window as unknown as { showDirectoryPicker: () => Promise<FileSystemDirectoryHandle> }
      ).showDirectoryPicker = async () =>
        (await navigator.storage.getDirectory()).getDirectoryHandle('backups', { create: true });
    });
    await page.reload();
    const dialog = new ImportDialog(page);
    await dialog.importFolder(path.join(workDir, 'vault'));
    await dialog.close();
    await openSettings(page);

    await page.getByRole('button', { name: 'Create a backup key' }).click();
    const identity = (await page.getByTestId('backup-key').inputValue()).trim();
    expect(identity).toMatch(/^AGE-SECRET-KEY-1[0-9A-Z]+$/);
    const use = page.getByRole('button', { name: 'Use this key' });
    await expect(use).toBeDisabled();
    await page.getByRole('checkbox', { name: 'I have saved this key somewhere safe' }).check();
    await use.click();
    await expect(page.getByTestId('backup-recipient')).toHaveText(/^age1/);
    // The secret half is nowhere in the browser's storage.
    const settings = JSON.stringify(await readAll(page, 'settings'));
    expect(settings).not.toContain(identity);

    await page.getByRole('button', { name: 'Choose a folder…' }).click();
    await expect(page.getByTestId('backup-folder')).toHaveText('Folder: backups');
    await page.getByLabel('Backups kept').fill('2');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    const status = page.getByTestId('backup-schedule-status');
    const names = () =>
      page.evaluate(async () => {
        const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('backups');
        const out: string[] = [];
        for await (const name of (dir as unknown as { keys(): AsyncIterable<string> }).keys())
          out.push(name);
        return out.sort();
      });
    for (let i = 1; i <= 3; i++) {
      await page.getByRole('button', { name: 'Back up now' }).click();
      await expect(page.getByRole('button', { name: 'Back up now' })).toBeEnabled({
        timeout: patient(60_000),
      });
      await expect.poll(async () => (await names()).length).toBe(Math.min(i, 2));
    }
    await expect(status).toContainText('Last backup');
    const kept = await names();
    expect(kept.every((n) => /^hearth-backup-.*Z\.zip\.age$/.test(n))).toBe(true);

    // The newest one restores with the key (into this profile: everything is here already).
    const newest = await page.evaluate(async (name) => {
      const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('backups');
      const file = await (await dir.getFileHandle(name)).getFile();
      return Array.from(new Uint8Array(await file.arrayBuffer()));
    }, kept.at(-1)!);
    const file = path.join(workDir, 'scheduled.zip.age');
    writeFileSync(file, new Uint8Array(newest));
    await page.getByRole('button', { name: 'Restore from backup…' }).click();
    const restore = page.getByTestId('restore-dialog');
    await restore.getByTestId('restore-file').setInputFiles(file);
    await restore
      .getByLabel('Backup key')
      .fill('AGE-SECRET-KEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ');
    await restore.getByRole('button', { name: 'Open' }).click();
    await expect(restore.getByTestId('restore-error')).toContainText(
      'That key does not open this backup',
      { timeout: patient(30_000) },
    );
    await restore.getByLabel('Backup key').fill(identity);
    await restore.getByRole('button', { name: 'Open' }).click();
    await expect(restore.locator('tr[data-kind="notes"] td').first()).toHaveText('3', {
      timeout: patient(60_000),
    });
    await expect(restore.getByTestId('restore-merge-summary')).toContainText('4 already here');
    await endSession(session);
  });
});
