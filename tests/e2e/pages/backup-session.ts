// Backup and restore from a test's side: a fresh browser profile (another laptop), Settings'
// "Back up everything" and "Restore from backup…" as a user drives them, and the semantic index
// as stored and as searched, to compare one profile with another.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { test, expect, guardContext, watchPage, assertGuard, type Guard } from '../fixtures';
import { patient } from '../patience';
import type { MemoryPage, StoredChunk, StoredVector } from './memory-page';
import { appWorker, workerCall } from './worker-rpc';
import type { SemanticResponse } from '../../../src/lib/search/memory-types';

export const PASSPHRASE = 'lantern-moss-orbit-42';

export interface Session {
  context: BrowserContext;
  page: Page;
  guard: Guard;
}

export async function freshSession(browser: Browser): Promise<Session> {
  const guard: Guard = { blocked: [], problems: [], allowHosts: new Set(), expectProblems: [] };
  const context = await browser.newContext({
    baseURL: test.info().project.use.baseURL,
    acceptDownloads: true,
  });
  await guardContext(context, guard);
  const page = await context.newPage();
  watchPage(page, guard);
  await page.goto('/');
  await expect(page.getByRole('button', { name: 'New note' })).toBeVisible();
  return { context, page, guard };
}

export async function endSession(session: Session): Promise<void> {
  await session.context.close();
  assertGuard(session.guard);
}

export async function openSettings(page: Page): Promise<void> {
  await page.getByRole('link', { name: 'Settings', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Backup and restore' })).toBeVisible();
}

/** The semantic index as stored: chunk rows (without their per-device labels) and vectors. */
export async function storedIndex(memory: MemoryPage) {
  const [chunks, vectors] = await Promise.all([memory.chunks(), memory.vectors()]);
  const labelOf = new Map(chunks.map((c) => [c.id, c.label]));
  return {
    chunks: chunks
      .map(({ label: _label, ...row }: StoredChunk) => row)
      .sort((a, b) => a.id.localeCompare(b.id)),
    vectors: vectors
      .map(({ chunkId, q, scale, label }: StoredVector) => {
        expect(labelOf.get(chunkId)).toBe(label);
        return { chunkId, q: Array.from(q), scale };
      })
      .sort((a, b) => a.chunkId.localeCompare(b.chunkId)),
  };
}

/**
 * Three notes for an index round trip: two long enough for several chunks that share the words of
 * `pack water before the hike`, and one a single chunk, so a search by meaning ranks several hits.
 */
export function writeIndexedVault(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const paragraphs = (topic: string) =>
    Array.from(
      { length: 6 },
      (_, i) =>
        `## Part ${i + 1}\n\nThe ${topic} list for day ${i + 1}: check the map, pack water, ` +
        `write down the time, and call home before dark.`,
    ).join('\n\n');
  writeFileSync(path.join(dir, 'Hiking.md'), `# Hiking\n\n${paragraphs('hiking')}\n`);
  writeFileSync(path.join(dir, 'Cooking.md'), `# Cooking\n\n${paragraphs('cooking')}\n`);
  writeFileSync(path.join(dir, 'Short.md'), '# Short\n\nOne line about tea.\n');
}

/** What the memory worker answers for a search by meaning: chunks and scores, best first. */
export async function meaningSearch(page: Page, query: string) {
  const worker = await appWorker(page, /memory\.worker/);
  const response = await workerCall<SemanticResponse>(worker, 'search', { query, k: 10 });
  expect(response.unavailable).toBeNull();
  return response.hits.map((h) => ({ chunkId: h.chunkId, score: h.score.toFixed(5) }));
}

/**
 * Backs up from Settings with the passphrase through the download path (browsers without a save
 * dialog: this one's is taken away for the page) and saves the download at `file`.
 */
export async function backUp(
  page: Page,
  file: string,
  options: { includeModels?: boolean } = {},
): Promise<void> {
  await openSettings(page);
  // Window is a [Global] interface: its operations live on the window object, not its prototype.
  await page.evaluate(() => {
    delete (window as { showSaveFilePicker?: unknown }).showSaveFilePicker;
    delete (Window.prototype as { showSaveFilePicker?: unknown }).showSaveFilePicker;
  });
  expect(await page.evaluate(() => 'showSaveFilePicker' in window)).toBe(false);
  await fillBackupForm(page, options);
  const download = page.waitForEvent('download', { timeout: patient(60_000) });
  await page.getByRole('button', { name: 'Back up everything' }).click();
  const saved = await download;
  expect(saved.suggestedFilename()).toMatch(/^hearth-backup-\d{4}-\d{2}-\d{2}\.zip\.age$/);
  await saved.saveAs(file);
}

export async function fillBackupForm(
  page: Page,
  options: { includeModels?: boolean } = {},
): Promise<void> {
  await page.getByTestId('backup-passphrase').fill(PASSPHRASE);
  await page.getByTestId('backup-passphrase-repeat').fill(PASSPHRASE);
  if (options.includeModels) await page.getByTestId('backup-include-models').check();
}

/** The name the save dialog's stand-in answers with, in the origin-private file system. */
export const PICKED_FILE = 'picked-backup.zip.age';

/**
 * Answers the browser's save dialog, which a test cannot drive, the way Chromium's does: a real
 * file handle, created empty, here in the origin-private file system (OPFS); the app writes it
 * through the real File System Access calls (createWritable, getFile, remove). The name the app
 * suggested is kept in `window.__suggestedName`.
 */
export async function answerSaveDialog(page: Page): Promise<void> {
  await page.evaluate((name) => {
    (window as unknown as { showSaveFilePicker: unknown }).showSaveFilePicker = async (options: {
      suggestedName?: string;
    }) => {
      (window as unknown as { __suggestedName?: string }).__suggestedName = options.suggestedName;
      return (await navigator.storage.getDirectory()).getFileHandle(name, { create: true });
    };
  }, PICKED_FILE);
}

/** The names in the OPFS root (the picked file, and any swap file left behind). */
export async function opfsNames(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const root = await navigator.storage.getDirectory();
    const names: string[] = [];
    for await (const name of (root as unknown as { keys(): AsyncIterable<string> }).keys())
      names.push(name);
    return names.sort();
  });
}

/** The picked file's bytes, as the app left them. */
export async function pickedFileBytes(page: Page): Promise<Buffer> {
  const base64 = await page.evaluate(async (name) => {
    const root = await navigator.storage.getDirectory();
    const file = await (await root.getFileHandle(name)).getFile();
    const bytes = new Uint8Array(await file.arrayBuffer());
    let binary = '';
    for (let i = 0; i < bytes.length; i += 0x8000)
      binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(binary);
  }, PICKED_FILE);
  return Buffer.from(base64, 'base64');
}

/** Opens the restore dialog with `file` and `passphrase`; returns the dialog. */
export async function openBackup(page: Page, file: string, passphrase: string) {
  await openSettings(page);
  await page.getByRole('button', { name: 'Restore from backup…' }).click();
  const dialog = page.getByTestId('restore-dialog');
  await dialog.getByTestId('restore-file').setInputFiles(file);
  await dialog.getByLabel('Passphrase').fill(passphrase);
  await dialog.getByRole('button', { name: 'Open' }).click();
  return dialog;
}
