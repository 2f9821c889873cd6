import { test, expect } from './fixtures';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { unzipSync } from 'fflate';
import {
  ImportDialog,
  corpusDir,
  countStored,
  readVault,
  type StoredNote,
} from './pages/import-dialog';

/** What must survive a round trip: everything but ids and timestamps. */
const essence = (notes: StoredNote[]) =>
  notes.map(({ path, content, hash, title, tags, kind }) => ({
    path,
    content,
    hash,
    title,
    tags,
    kind,
  }));

test.describe('export', () => {
  let workDir: string;
  let seedDir: string;

  test.beforeAll(() => {
    workDir = mkdtempSync(path.join(tmpdir(), 'hearth-export-'));
    seedDir = path.join(workDir, 'seed');
    cpSync(path.join(corpusDir(), 'pages.ja'), path.join(seedDir, 'pages.ja'), { recursive: true });
    cpSync(path.join(corpusDir(), 'pages.zh'), path.join(seedDir, 'pages.zh'), { recursive: true });
    mkdirSync(path.join(seedDir, 'journal'));
    mkdirSync(path.join(seedDir, 'notes'));
    writeFileSync(
      path.join(seedDir, 'journal/2024-03-05.md'),
      '---\nkind: journal\ndate: 2024-03-05\n---\n\n# Tuesday, March 5, 2024\n\nWalked by the river.\n',
    );
    writeFileSync(
      path.join(seedDir, 'notes/Reading list.md'),
      '---\ntitle: Reading list\ntags: [books, 読書]\ndate: 2023-11-02\n---\n\n- 吾輩は猫である\n- [[tar]]\n',
    );
    writeFileSync(path.join(seedDir, 'notes/windows.txt'), '\uFEFFline one\r\nline two\r\n');
    writeFileSync(
      path.join(seedDir, 'notes/plain.markdown'),
      'No frontmatter, no heading. #not-a-tag\n',
    );
  });

  test.afterAll(() => rmSync(workDir, { recursive: true, force: true }));

  test('export → wipe → import reproduces every note byte for byte', async ({ page }) => {
    test.setTimeout(180_000);
    await page.goto('/');
    await expect(page.getByRole('button', { name: 'New note' })).toBeVisible();
    const dialog = new ImportDialog(page);
    await dialog.importFolder(seedDir);
    const seeded = await dialog.report();
    expect(seeded.skipped).toBe(0);
    await dialog.close();
    const before = await readVault(page);
    expect(before).toHaveLength(seeded.added);
    expect(before.find((n) => n.path === 'seed/journal/2024-03-05.md')?.kind).toBe('journal');
    expect(before.find((n) => n.path === 'seed/notes/Reading list.md')?.tags).toEqual([
      'books',
      '読書',
    ]);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('banner').getByRole('button', { name: 'Export', exact: true }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^hearth-export-\d{4}-\d{2}-\d{2}\.zip$/);
    const zipPath = path.join(workDir, download.suggestedFilename());
    await download.saveAs(zipPath);

    // The archive holds each note at its path with exactly the bytes of the file it came from.
    const entries = unzipSync(new Uint8Array(readFileSync(zipPath)));
    expect(Object.keys(entries).sort()).toEqual(before.map((n) => n.path).sort());
    for (const [entryPath, bytes] of Object.entries(entries)) {
      const original = readFileSync(path.join(workDir, entryPath));
      expect(Buffer.from(bytes).equals(original), entryPath).toBe(true);
    }

    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('button', { name: 'Delete all notes' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete everything' }).click();
    await expect.poll(() => countStored(page)).toEqual({ notes: 0, bodies: 0 });

    await dialog.importFiles([zipPath]);
    expect(await dialog.report()).toEqual({
      added: before.length,
      updated: 0,
      unchanged: 0,
      skipped: 0,
    });
    expect(essence(await readVault(page))).toEqual(essence(before));
  });
});
