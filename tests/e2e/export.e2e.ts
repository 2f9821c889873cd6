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
import { patient } from './patience';

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

  test('export → wipe → import (the zip, then the unzipped folder) reproduces every live note byte for byte', async ({
    page,
    notes,
  }) => {
    test.setTimeout(patient(240_000));
    await notes.open();
    const dialog = new ImportDialog(page);
    await dialog.importFolder(seedDir);
    const seeded = await dialog.report();
    expect(seeded.skipped).toBe(0);
    await dialog.close();

    // Notes written in the app: a note, today's journal entry, and a note moved to the trash.
    await notes.create();
    await notes.rename('Made in Hearth');
    await notes.typeAtEnd('Written in the editor, with 日本語 too.\n');
    await notes.saved();
    await page.getByRole('button', { name: "Today's journal" }).click();
    await page.waitForURL(/\/journal\/\d{4}-\d{2}-\d{2}$/);
    await notes.typeAtEnd('Exported today.\n');
    await notes.saved();
    const trashedId = await notes.create();
    await notes.rename('Thrown away');
    await page.getByRole('button', { name: 'Move to trash' }).click();
    await expect
      .poll(async () => (await readVault(page)).find((n) => n.id === trashedId)?.deletedAt)
      .toBeGreaterThan(0);

    const all = await readVault(page);
    const trashed = all.find((n) => n.id === trashedId)!;
    const before = all.filter((n) => n.deletedAt === 0);
    expect(before).toHaveLength(seeded.added + 2);
    expect(before.find((n) => n.path === 'seed/journal/2024-03-05.md')?.kind).toBe('journal');
    expect(before.find((n) => n.path === 'seed/notes/Reading list.md')?.tags).toEqual([
      'books',
      '読書',
    ]);
    expect(before.find((n) => n.title === 'Made in Hearth')?.content).toContain('日本語');
    expect(before.filter((n) => /^journal\/\d{4}-\d{2}-\d{2}\.md$/.test(n.path))).toEqual([
      expect.objectContaining({ kind: 'journal' }),
    ]);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('banner').getByRole('button', { name: 'Export', exact: true }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^hearth-export-\d{4}-\d{2}-\d{2}\.zip$/);
    const zipPath = path.join(workDir, download.suggestedFilename());
    await download.saveAs(zipPath);

    // The archive holds the manifest and each live note at its path, with exactly the bytes of
    // the file it came from (or of the text written in the app); the trashed note is left out.
    const entries = unzipSync(new Uint8Array(readFileSync(zipPath)));
    expect(Object.keys(entries).sort()).toEqual(
      ['hearth-export.json', ...before.map((n) => n.path)].sort(),
    );
    expect(Object.keys(entries)).not.toContain(trashed.path);
    const manifest: unknown = JSON.parse(Buffer.from(entries['hearth-export.json']!).toString());
    expect(manifest).toEqual({
      format: 1,
      app: 'Hearth',
      exportedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      notes: before.length,
      attachments: 0,
    });
    for (const note of before) {
      const bytes = Buffer.from(entries[note.path]!);
      const original = note.path.startsWith('seed/')
        ? readFileSync(path.join(workDir, note.path))
        : Buffer.from(note.content, 'utf8');
      expect(bytes.equals(original), note.path).toBe(true);
    }

    const wipe = async () => {
      await page
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: 'Settings' })
        .click();
      await page.getByRole('button', { name: 'Delete all notes' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Delete all notes' }).click();
      await expect.poll(() => countStored(page)).toEqual({ notes: 0, bodies: 0 });
    };
    const clean = { added: before.length, updated: 0, unchanged: 0, skipped: 0 };

    await wipe();
    await dialog.importFiles([zipPath]);
    expect(await dialog.report()).toEqual(clean);
    expect(essence(await readVault(page))).toEqual(essence(before));
    await dialog.close();

    // The same export unzipped and picked as a folder: its paths start with the folder's name,
    // which the manifest marks as the export's root, so the notes land at the same paths.
    const unzippedDir = path.join(workDir, 'unzipped', path.basename(zipPath, '.zip'));
    for (const [entryPath, bytes] of Object.entries(entries)) {
      mkdirSync(path.dirname(path.join(unzippedDir, entryPath)), { recursive: true });
      writeFileSync(path.join(unzippedDir, entryPath), bytes);
    }
    await wipe();
    await dialog.importFolder(unzippedDir);
    expect(await dialog.report()).toEqual(clean);
    expect(await dialog.skippedList.count()).toBe(0);
    expect(essence(await readVault(page))).toEqual(essence(before));
  });
});
