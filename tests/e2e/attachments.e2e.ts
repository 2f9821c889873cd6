// A real-shaped vault comes in whole: a generated Obsidian-style vault with images, a PDF, audio
// and notes that embed them is imported as a folder and as a zip, every attachment is read back
// from IndexedDB byte for byte, and export → import into a fresh profile gives the same bytes
// again. Each import runs in its own browser context, so its IndexedDB starts empty.
import AxeBuilder from '@axe-core/playwright';
import { test, expect, guardContext, watchPage, assertGuard, type Guard } from './fixtures';
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { unzipSync, zipSync, type Zippable } from 'fflate';
import {
  attachmentVault,
  attachmentVaultRoot,
  writeVaultFiles,
  type VaultFile,
} from '../fixtures/attachment-vault';
import { ImportDialog, readAttachments, readVault } from './pages/import-dialog';
import { NotesPage } from './pages/notes-page';
import { patient } from './patience';

const vault = attachmentVault();
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

const mimeOf: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  pdf: 'application/pdf',
  mp3: 'audio/mpeg',
  gif: 'image/gif',
};

/** What IndexedDB must hold for the vault's attachments, when imported at `prefix`. */
function expectedAttachments(strip = '') {
  return vault.attachments
    .map((file) => ({
      path: file.path.slice(strip.length),
      mime: mimeOf[file.path.split('.').pop()!]!,
      sizeBytes: file.bytes.length,
      sha256: sha256(file.bytes),
      blobBytes: file.bytes.length,
    }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

const expectedNotes = (files: readonly VaultFile[]) =>
  files.map((f) => [f.path, f.bytes.toString('utf8')]).sort(([a], [b]) => (a! < b! ? -1 : 1));

interface Session {
  context: BrowserContext;
  page: Page;
  dialog: ImportDialog;
  guard: Guard;
}

async function freshSession(browser: Browser): Promise<Session> {
  const guard: Guard = { blocked: [], problems: [], allowHosts: new Set(), expectProblems: [] };
  const context = await browser.newContext({ baseURL: test.info().project.use.baseURL });
  await guardContext(context, guard);
  const page = await context.newPage();
  watchPage(page, guard);
  await page.goto('/');
  await expect(page.getByRole('button', { name: 'New note' })).toBeVisible();
  return { context, page, dialog: new ImportDialog(page), guard };
}

async function endSession(session: Session): Promise<void> {
  await session.context.close();
  assertGuard(session.guard);
}

/** Checks the stored vault against the generated files, byte for byte. */
async function expectVaultStored(page: Page, strip = ''): Promise<void> {
  expect(await readAttachments(page)).toEqual(expectedAttachments(strip));
  const notes = (await readVault(page)).map((n) => [n.path, n.content]);
  expect(notes).toEqual(
    expectedNotes(vault.notes.map((f) => ({ ...f, path: f.path.slice(strip.length) }))),
  );
}

test.describe.serial('a vault with attachments', () => {
  let workDir: string;
  let exportPath: string;

  test.beforeAll(() => {
    workDir = mkdtempSync(path.join(tmpdir(), 'hearth-attachments-'));
    writeVaultFiles(workDir, [...vault.notes, ...vault.attachments, ...vault.hidden]);
  });
  test.afterAll(() => rmSync(workDir, { recursive: true, force: true }));

  test('imports as a folder with every attachment byte for byte, and re-imports as unchanged', async ({
    browser,
  }) => {
    test.setTimeout(patient(180_000));
    const session = await freshSession(browser);
    const { page, dialog } = session;
    await dialog.importFolder(path.join(workDir, attachmentVaultRoot));
    expect(await dialog.report()).toEqual({ added: 4, updated: 0, unchanged: 0, skipped: 1 });
    expect(await dialog.attachmentReport()).toEqual({ added: 6, updated: 0, unchanged: 0 });
    expect(await dialog.skippedLines()).toEqual([
      expect.stringMatching(/^Garden Vault\/\.obsidian\/app\.json — hidden file or folder/),
    ]);
    await expect(dialog.dialog).toContainText('up to 100 MB each');
    // The report, with its attachment line and skip list, passes an accessibility audit.
    const audit = await new AxeBuilder({ page }).include('dialog').analyze();
    expect(audit.violations.map((v) => v.id)).toEqual([]);
    await dialog.close();
    await expectVaultStored(page);

    await dialog.importFolder(path.join(workDir, attachmentVaultRoot));
    expect(await dialog.report()).toEqual({ added: 0, updated: 0, unchanged: 4, skipped: 1 });
    expect(await dialog.attachmentReport()).toEqual({ added: 0, updated: 0, unchanged: 6 });
    await dialog.close();
    await expectVaultStored(page);

    // Settings counts notes and attachments apart.
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Settings' })
      .click();
    const totalBytes = vault.attachments.reduce((n, f) => n + f.bytes.length, 0);
    await expect(page.getByTestId('storage-attachments')).toContainText('6 attachments');
    await expect(page.getByTestId('storage-attachments')).toContainText(
      `${(totalBytes / 2 ** 20).toFixed(1)} MB`,
    );
    await expect(page.getByTestId('storage-notes')).toContainText('4 notes');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('banner').getByRole('button', { name: 'Export', exact: true }).click(),
    ]);
    exportPath = path.join(workDir, download.suggestedFilename());
    await download.saveAs(exportPath);
    await endSession(session);

    // The export holds every note and attachment at its path with exactly the original bytes.
    const entries = unzipSync(new Uint8Array(readFileSync(exportPath)));
    for (const file of [...vault.notes, ...vault.attachments]) {
      expect(Buffer.from(entries[file.path] ?? []).equals(file.bytes), file.path).toBe(true);
    }
    expect(Object.keys(entries).filter((p) => p.includes('.obsidian'))).toEqual([]);
    expect(JSON.parse(Buffer.from(entries['hearth-export.json']!).toString())).toMatchObject({
      notes: 4,
      attachments: 6,
    });
  });

  test('the export imports into a fresh profile with every attachment byte for byte', async ({
    browser,
  }) => {
    test.setTimeout(patient(180_000));
    const session = await freshSession(browser);
    await session.dialog.importFiles([exportPath]);
    expect(await session.dialog.report()).toEqual({
      added: 4,
      updated: 0,
      unchanged: 0,
      skipped: 0,
    });
    expect(await session.dialog.attachmentReport()).toEqual({ added: 6, updated: 0, unchanged: 0 });
    await session.dialog.close();
    await expectVaultStored(session.page);
    await endSession(session);
  });

  test('a zip of the vault imports the same, and a damaged entry is refused alone', async ({
    browser,
  }) => {
    test.setTimeout(patient(180_000));
    const tree: Zippable = {};
    for (const file of [...vault.notes, ...vault.attachments]) {
      // Already-compressed formats stored, text deflated, as zip tools do.
      tree[file.path] = [file.bytes, { level: file.path.endsWith('.md') ? 6 : 0 }];
    }
    tree['Garden Vault/extra/forged.md'] = [Buffer.from('# Forged\n\n'.repeat(50)), { level: 6 }];
    const zip = zipSync(tree);
    // Forge the last entry's CRC in both headers: it must be refused, the rest imported.
    const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
    const eocd = zip.length - 22;
    let central = view.getUint32(eocd + 16, true);
    for (let i = 0; i < vault.notes.length + vault.attachments.length; i++)
      central += 46 + view.getUint16(central + 28, true) + view.getUint16(central + 30, true);
    const local = view.getUint32(central + 42, true);
    view.setUint32(central + 16, view.getUint32(central + 16, true) ^ 1, true);
    view.setUint32(local + 14, view.getUint32(local + 14, true) ^ 1, true);
    const zipPath = path.join(workDir, 'garden.zip');
    writeFileSync(zipPath, zip);

    const session = await freshSession(browser);
    await session.dialog.importFiles([zipPath]);
    expect(await session.dialog.report()).toEqual({
      added: 4,
      updated: 0,
      unchanged: 0,
      skipped: 1,
    });
    expect(await session.dialog.skippedLines()).toEqual([
      expect.stringMatching(
        /^Garden Vault\/extra\/forged\.md — damaged inside the zip; nothing of it was stored \(Its checksum \(CRC-32\) does not match its data\.\)/,
      ),
    ]);
    await session.dialog.close();
    await expectVaultStored(session.page);
    await endSession(session);
  });

  test('notes show their attachments: images from blob: URLs, a PDF link, audio, callouts', async ({
    browser,
  }) => {
    test.setTimeout(patient(180_000));
    const session = await freshSession(browser);
    const { page, dialog } = session;
    await dialog.importFolder(path.join(workDir, attachmentVaultRoot));
    expect(await dialog.report()).toMatchObject({ added: 4 });
    await dialog.close();
    const notes = new NotesPage(page);

    await page
      .getByRole('link', { name: /Garden index/ })
      .first()
      .click();
    await expect(notes.preview).toContainText('Garden index');
    const photo = notes.preview.getByRole('img', { name: 'Sunset photo.png' });
    await expect(photo).toHaveAttribute('src', /^blob:/);
    await expect.poll(() => photo.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(64);
    const pdf = notes.preview.getByRole('link', { name: 'Report 2024.pdf' });
    await expect(pdf).toHaveAttribute('href', /^blob:/);
    await expect(notes.preview.locator('audio')).toHaveAttribute('src', /^blob:/);
    await expect(notes.preview).toContainText('Read me first');
    await expect(notes.preview).not.toContainText('[!note]');
    // The embedded section of another note, with the image it shows by a relative, encoded path.
    await expect(notes.preview).toContainText('Sow the beans.');

    // A note in a subfolder: a bare name found anywhere, and `../` from the note's folder.
    await page.getByRole('link', { name: /庭/ }).first().click();
    const big = notes.preview.getByRole('img', { name: '大きな写真.png' });
    await expect.poll(() => big.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(800);
    const relative = notes.preview.getByRole('img', { name: 'Sunset photo.png' });
    await expect
      .poll(() => relative.evaluate((img: HTMLImageElement) => img.naturalWidth))
      .toBe(64);
    await endSession(session);
  });
});
