// Semantic memory from the outside: imports the generated tiny BERT through the Models page the
// way a user would, watches indexing in Settings, and reads chunks, vectors and jobs straight
// from IndexedDB as the tests' independent view of what was stored.
import { expect, type Locator, type Page } from '@playwright/test';
import { TINY_BERT_DIR } from '../model-fixtures';
import { readAll } from '../idb';
import { patient } from '../patience';

/** The first index includes the ONNX runtime's start (~4 s) and every chunk of the slice. */
export const INDEX_TIMEOUT_MS = 180_000;

export interface StoredChunk {
  id: string;
  modelId: string;
  noteId: string;
  label: number;
  hash: string;
  seq: number;
  start: number;
  end: number;
  headingPath: string[];
  tokenCount: number;
}

export interface StoredVector {
  chunkId: string;
  modelId: string;
  label: number;
  q: Int8Array;
  scale: number;
}

export interface StoredJob {
  id: string;
  kind: string;
  status: string;
  payload: { modelId: string; noteId: string; noteHash?: string };
}

/**
 * Navigates inside the running app, as a link click does: no page load. (A full navigation puts
 * the old page in the back/forward cache, where a write it began at unload can stay frozen and
 * stall the new page's database reads for up to a minute: not what these tests are about.)
 */
export async function goInApp(page: Page, path: string): Promise<void> {
  await page.evaluate((href) => {
    history.pushState(null, '', href);
    dispatchEvent(new PopStateEvent('popstate'));
  }, path);
}

export class MemoryPage {
  readonly page: Page;
  readonly settings: Locator;
  readonly progress: Locator;
  /** The index's self-check: measured recall@10, sample size, goal. */
  readonly recall: Locator;
  readonly searchCost: Locator;

  constructor(page: Page) {
    this.page = page;
    this.settings = page.getByTestId('memory-settings');
    this.progress = page.getByTestId('memory-progress');
    this.recall = page.getByTestId('memory-recall');
    this.searchCost = page.getByTestId('memory-search-cost');
  }

  /** Imports the tiny BERT folder on /models; resolves to its installed key. */
  async importTinyBert(dir = TINY_BERT_DIR): Promise<string> {
    await goInApp(this.page, '/models');
    await expect(this.page.getByRole('heading', { name: 'Models', level: 1 })).toBeVisible();
    const rows = this.page
      .getByRole('list', { name: 'Models on this device' })
      .getByTestId('installed-model');
    const before = await rows.count();
    await this.page.getByLabel('Model folder').setInputFiles(dir);
    await expect(rows).toHaveCount(before + 1, { timeout: patient(30_000) });
    await expect(this.page.getByTestId('model-import-error')).toHaveCount(0);
    const row = rows.filter({ has: this.page.getByTestId('model-role') }).last();
    return (await row.getAttribute('data-key')) ?? '';
  }

  async openSettings(): Promise<void> {
    await this.page.goto('/settings');
    await expect(this.settings).toBeVisible();
  }

  async openSettingsInApp(): Promise<void> {
    await goInApp(this.page, '/settings');
    await expect(this.settings).toBeVisible();
  }

  /** Waits on Settings until every note is indexed ("Up to date: N of N notes"). */
  async waitUpToDate(notes: number): Promise<void> {
    await expect(this.progress).toHaveAttribute('data-state', 'idle', {
      timeout: patient(INDEX_TIMEOUT_MS),
    });
    await expect(this.progress).toContainText(
      `Up to date: ${notes.toLocaleString('en-US')} of ${notes.toLocaleString('en-US')} notes`,
      { timeout: patient(INDEX_TIMEOUT_MS) },
    );
  }

  chunks(): Promise<StoredChunk[]> {
    return readAll<StoredChunk>(this.page, 'chunks');
  }

  vectors(): Promise<StoredVector[]> {
    return readAll<StoredVector>(this.page, 'vectors');
  }

  jobs(): Promise<StoredJob[]> {
    return readAll<StoredJob>(this.page, 'jobs');
  }
}
