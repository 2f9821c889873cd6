// "Import folder" with the File System Access picker (Chromium). The native dialog cannot be
// driven by a test, so the test answers it: `showDirectoryPicker` returns a real directory handle
// from the origin-private file system, filled by the test. Walking it, reading, classifying and
// storing are the app's real code path, in its worker.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test, expect } from './fixtures';
import { ImportDialog, readAttachments, readVault } from './pages/import-dialog';

const files: Record<string, string | number[]> = {
  'notes/plan.md': '---\ntitle: Plan\ntags: [work]\n---\nShip it.\n',
  'journal/2026-01-02.md': '# A quiet day\n',
  '日本語/メモ.md': '# メモ\n\n牛乳を買う\n',
  '.obsidian/workspace.md': 'tool state, not a note',
  'photo.jpg': [0xff, 0xd8, 0xff, 0xe0, 0, 0x10],
  'fake.md': [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d],
};

test('Import folder walks the picked folder in the worker and matches folder-input paths', async ({
  page,
}) => {
  await page.addInitScript(() => {
    (
      window as unknown as { showDirectoryPicker: () => Promise<FileSystemDirectoryHandle> }
    ).showDirectoryPicker = async () =>
      (await navigator.storage.getDirectory()).getDirectoryHandle('picked-vault');
  });
  await page.goto('/');
  await page.evaluate(async (entries) => {
    const root = await (
      await navigator.storage.getDirectory()
    ).getDirectoryHandle('picked-vault', { create: true });
    for (const [filePath, content] of Object.entries(entries)) {
      const parts = filePath.split('/');
      let dir = root;
      for (const part of parts.slice(0, -1))
        dir = await dir.getDirectoryHandle(part, { create: true });
      const writable = await (
        await dir.getFileHandle(parts.at(-1)!, { create: true })
      ).createWritable();
      await writable.write(typeof content === 'string' ? content : new Uint8Array(content));
      await writable.close();
    }
  }, files);

  const dialog = new ImportDialog(page);
  await page.getByRole('button', { name: 'Import folder' }).click();
  expect(await dialog.report()).toEqual({ added: 3, updated: 0, unchanged: 0, skipped: 1 });
  expect(await dialog.attachmentReport()).toEqual({ added: 1, updated: 0, unchanged: 0 });
  expect(await dialog.skippedLines()).toEqual([
    expect.stringMatching(/^picked-vault\/fake\.md — binary file \(PNG image\)/),
  ]);
  await dialog.close();
  const stored = await readVault(page);
  expect(stored.map((n) => [n.path, n.kind, n.title])).toEqual([
    ['picked-vault/journal/2026-01-02.md', 'journal', 'A quiet day'],
    ['picked-vault/notes/plan.md', 'note', 'Plan'],
    ['picked-vault/日本語/メモ.md', 'note', 'メモ'],
  ]);
  // The photo is kept as an attachment, byte for byte; the hidden folder is never walked.
  expect(
    (await readAttachments(page)).map((a) => [a.path, a.mime, a.sizeBytes, a.blobBytes]),
  ).toEqual([['picked-vault/photo.jpg', 'image/jpeg', 6, 6]]);

  // The same folder through the classic folder input gives the same paths: nothing changes.
  const disk = mkdtempSync(path.join(tmpdir(), 'hearth-picker-'));
  try {
    for (const [filePath, content] of Object.entries(files)) {
      const full = path.join(disk, 'picked-vault', filePath);
      mkdirSync(path.dirname(full), { recursive: true });
      writeFileSync(full, typeof content === 'string' ? content : Buffer.from(content));
    }
    rmSync(path.join(disk, 'picked-vault', '.obsidian'), { recursive: true });
    await dialog.importFolder(path.join(disk, 'picked-vault'));
    expect(await dialog.report()).toEqual({ added: 0, updated: 0, unchanged: 3, skipped: 1 });
    expect(await dialog.attachmentReport()).toEqual({ added: 0, updated: 0, unchanged: 1 });
  } finally {
    rmSync(disk, { recursive: true, force: true });
  }
});

test('closing the folder picker without choosing does nothing', async ({ page }) => {
  await page.addInitScript(() => {
    (window as unknown as { showDirectoryPicker: () => Promise<never> }).showDirectoryPicker = () =>
      Promise.reject(new DOMException('The user aborted a request.', 'AbortError'));
  });
  await page.goto('/');
  await page.getByRole('button', { name: 'Import folder' }).click();
  await expect(page.getByRole('dialog', { name: 'Import' })).toBeHidden();
  await expect(page.getByRole('alert')).toHaveCount(0);
});
