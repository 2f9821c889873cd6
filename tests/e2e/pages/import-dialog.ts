// Page object for import (the hidden file inputs and the Import dialog) and helpers that read the
// vault straight from IndexedDB, bypassing the UI, to check what an import really stored.
import { expect, type Locator, type Page } from '@playwright/test';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { readAll } from '../idb';
import { corpusDir as fixtureCorpus } from '../../fixtures/corpus';
import { patient } from '../patience';

export interface ImportCounts {
  added: number;
  updated: number;
  unchanged: number;
  skipped: number;
}

export interface StoredNote {
  id: string;
  path: string;
  kind: string;
  title: string;
  tags: string[];
  hash: string;
  createdAt: number;
  updatedAt: number;
  deletedAt: number;
  content: string;
}

const toNumber = (text: string | null): number => Number((text ?? '').replace(/[^\d]/g, ''));

export class ImportDialog {
  readonly page: Page;
  readonly dialog: Locator;
  readonly progress: Locator;
  readonly alert: Locator;
  readonly skippedList: Locator;

  constructor(page: Page) {
    this.page = page;
    this.dialog = page.getByRole('dialog', { name: 'Import' });
    this.progress = this.dialog.getByRole('progressbar', { name: 'Import progress' });
    this.alert = this.dialog.getByRole('alert');
    this.skippedList = this.dialog.getByRole('list', { name: 'Skipped files' });
  }

  /** Picks a folder through the folder input (paths keep the folder's own name). */
  async importFolder(dir: string): Promise<void> {
    await this.page.setInputFiles('[data-testid=import-folder-input]', dir);
  }

  /** Picks files (notes or zips) through the files input. */
  async importFiles(files: string[]): Promise<void> {
    await this.page.setInputFiles('[data-testid=import-files-input]', files);
  }

  /** Waits for the report and returns its four figures. */
  async report(timeoutMs = 60_000): Promise<ImportCounts> {
    const added = this.dialog.getByTestId('import-added');
    await expect(added).toBeVisible({ timeout: patient(timeoutMs) });
    const figure = async (id: string) => toNumber(await this.dialog.getByTestId(id).textContent());
    return {
      added: await figure('import-added'),
      updated: await figure('import-updated'),
      unchanged: await figure('import-unchanged'),
      skipped: await figure('import-skipped'),
    };
  }

  /** The report's attachment figures (all 0 when the import held no attachments). */
  async attachmentReport(): Promise<{ added: number; updated: number; unchanged: number }> {
    await expect(this.dialog.getByTestId('import-added')).toBeVisible();
    const line = this.dialog.getByTestId('import-attachments');
    if ((await line.count()) === 0) return { added: 0, updated: 0, unchanged: 0 };
    const figure = async (id: string) => toNumber(await this.dialog.getByTestId(id).textContent());
    return {
      added: await figure('import-attachments-added'),
      updated: await figure('import-attachments-updated'),
      unchanged: await figure('import-attachments-unchanged'),
    };
  }

  /** The skipped files as listed, one line each. */
  async skippedLines(): Promise<string[]> {
    return (await this.skippedList.getByRole('listitem').allTextContents()).map((t) =>
      t.replace(/\s+/g, ' ').trim(),
    );
  }

  async close(): Promise<void> {
    await this.dialog.getByRole('button', { name: 'Close' }).click();
    await expect(this.dialog).toBeHidden();
  }
}

/** Every note (trashed ones included) with its stored text, sorted by path. */
export async function readVault(page: Page): Promise<StoredNote[]> {
  const notes = await readAll<Omit<StoredNote, 'content'>>(page, 'notes');
  const bodies = new Map(
    (await readAll<{ id: string; content: string }>(page, 'bodies')).map((b) => [b.id, b.content]),
  );
  return notes
    .map((n) => ({ ...n, content: bodies.get(n.id) ?? '' }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export interface StoredAttachment {
  path: string;
  mime: string;
  sizeBytes: number;
  /** SHA-256 (hex) of the stored Blob's bytes, computed in the page. */
  sha256: string;
  /** The stored Blob's size, which must equal `sizeBytes`. */
  blobBytes: number;
}

/**
 * Every attachment (trashed ones included) as IndexedDB holds it, sorted by path: the metadata
 * row, and a SHA-256 of the bytes of its Blob read back from `attachmentBlobs`.
 */
export async function readAttachments(page: Page): Promise<StoredAttachment[]> {
  const rows = await readAll<{ id: string; path: string; mime: string; sizeBytes: number }>(
    page,
    'attachments',
  );
  const digests = await page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('hearth');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () =>
        reject(new Error(request.error?.message ?? 'IndexedDB request failed'));
    });
    try {
      const blobs = await new Promise<{ id: string; blob: Blob }[]>((resolve, reject) => {
        const request = db.transaction('attachmentBlobs').objectStore('attachmentBlobs').getAll();
        request.onsuccess = () => resolve(request.result as { id: string; blob: Blob }[]);
        request.onerror = () =>
          reject(new Error(request.error?.message ?? 'IndexedDB request failed'));
      });
      const out: Record<string, { sha256: string; blobBytes: number }> = {};
      for (const { id, blob } of blobs) {
        const digest = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer());
        const sha256 = Array.from(new Uint8Array(digest), (b) =>
          b.toString(16).padStart(2, '0'),
        ).join('');
        out[id] = { sha256, blobBytes: blob.size };
      }
      return out;
    } finally {
      db.close();
    }
  });
  return rows
    .map((row) => ({
      path: row.path,
      mime: row.mime,
      sizeBytes: row.sizeBytes,
      sha256: digests[row.id]?.sha256 ?? 'missing',
      blobBytes: digests[row.id]?.blobBytes ?? -1,
    }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** How many notes and bodies IndexedDB holds (without loading them). */
export async function countStored(page: Page): Promise<{ notes: number; bodies: number }> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('hearth');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () =>
        reject(new Error(request.error?.message ?? 'IndexedDB request failed'));
    });
    const count = (store: string) =>
      new Promise<number>((resolve, reject) => {
        const request = db.transaction(store).objectStore(store).count();
        request.onsuccess = () => resolve(request.result);
        request.onerror = () =>
          reject(new Error(request.error?.message ?? 'IndexedDB request failed'));
      });
    const result = { notes: await count('notes'), bodies: await count('bodies') };
    db.close();
    return result;
  });
}

/** Every file under `dir`, as forward-slash paths relative to `dir`. */
export function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? listFiles(path.join(dir, entry.name), `${prefix}${entry.name}/`)
      : [`${prefix}${entry.name}`],
  );
}

export const corpusDir = (): string => fixtureCorpus;
