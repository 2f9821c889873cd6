// Page object for the Models view (/models), and readers of Cache Storage that bypass the UI to
// check what the model stores really hold.
import { expect, type Locator, type Page } from '@playwright/test';
import { patient } from '../patience';

export interface CachedEntry {
  url: string;
  sizeBytes: number;
  contentType: string;
}

export interface LedgerRow {
  host: string;
  path: string;
  status: string;
  modelKey: string;
  reason: string;
  /** Who asked: "page" or which worker. */
  initiator: string;
}

const byKey = (testId: string, key: string) => `[data-testid="${testId}"][data-key="${key}"]`;

export class ModelsPage {
  readonly page: Page;
  readonly device: Locator;
  readonly catalog: Locator;
  readonly installed: Locator;
  readonly empty: Locator;
  readonly importError: Locator;
  readonly ledgerTotals: Locator;
  readonly ledger: Locator;
  readonly mirrorInput: Locator;

  constructor(page: Page) {
    this.page = page;
    this.device = page.getByTestId('device-panel');
    this.catalog = page.getByRole('list', { name: 'Model catalog' });
    this.installed = page.getByRole('list', { name: 'Models on this device' });
    this.empty = page.getByTestId('models-empty');
    this.importError = page.getByTestId('model-import-error');
    this.ledgerTotals = page.getByTestId('ledger-totals');
    this.ledger = page.getByTestId('request-ledger');
    this.mirrorInput = page.getByLabel('Mirror base URL');
  }

  async open(): Promise<void> {
    await this.page.goto('/models');
    await expect(this.page.getByRole('heading', { name: 'Models', level: 1 })).toBeVisible();
    await expect(this.catalog).toBeVisible({ timeout: patient(30_000) });
  }

  /** Opens the view under the service worker's control, so its precache serves the app offline. */
  async openControlled(): Promise<void> {
    await this.open();
    await this.page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    await this.page.reload();
    await expect
      .poll(() => this.page.evaluate(() => !!navigator.serviceWorker.controller))
      .toBe(true);
    await expect(this.catalog).toBeVisible({ timeout: patient(30_000) });
  }

  /** The app's origin, e.g. `http://localhost:4173`. */
  origin(): string {
    return new URL(this.page.url()).origin;
  }

  /** Waits until the view has checked the installed models' files against the caches. */
  async filesChecked(): Promise<void> {
    await expect(this.page.getByTestId('model-storage-total')).toHaveAttribute(
      'data-files-checked',
      'true',
      { timeout: patient(30_000) },
    );
  }

  deviceFact(name: string): Locator {
    return this.device.getByTestId(`device-${name}`);
  }

  entry(key: string): Locator {
    return this.page.locator(byKey('catalog-entry', key));
  }

  download(key: string): Locator {
    return this.page.locator(byKey('download-progress', key));
  }

  row(key: string): Locator {
    return this.page.locator(byKey('installed-model', key));
  }

  /** Clicks Download and returns the confirm step's group, not yet answered. */
  async askDownload(key: string): Promise<Locator> {
    const entry = this.entry(key);
    await entry.getByRole('button', { name: /^(Download|Resume download)$/ }).click();
    const confirm = entry.getByRole('group', { name: 'Confirm download' });
    await expect(confirm).toBeVisible();
    return confirm;
  }

  /** Starts a download, checking that the confirm step names `host`. */
  async startDownload(key: string, host: string): Promise<void> {
    const confirm = await this.askDownload(key);
    await expect(confirm).toContainText(`from ${host}`);
    await confirm.getByRole('button', { name: 'Yes, download' }).click();
  }

  async importFolder(dir: string): Promise<void> {
    await this.page.getByLabel('Model folder').setInputFiles(dir);
  }

  async addCustom(repo: string, dtype: string): Promise<void> {
    await this.page.getByLabel('Model repo id').fill(repo);
    await this.page.getByLabel('Weights (dtype)').selectOption(dtype);
    await this.page.getByRole('button', { name: 'Add model' }).click();
  }

  async setMirror(url: string): Promise<void> {
    await this.mirrorInput.fill(url);
    await this.page.getByRole('button', { name: 'Save mirror' }).click();
    await expect(this.page.getByTestId('mirror-current')).toContainText(url);
  }

  /** Asks to delete the model and returns the dialog, not yet confirmed. */
  async askDelete(key: string, name: string): Promise<Locator> {
    await this.row(key).getByRole('button', { name: 'Delete', exact: true }).click();
    const dialog = this.page.getByRole('dialog', { name: `Delete ${name}?` });
    await expect(dialog).toBeVisible();
    return dialog;
  }

  /** The ledger's rows, newest first. */
  async ledgerRows(): Promise<LedgerRow[]> {
    const rows = await this.ledger
      .locator('tbody tr')
      .evaluateAll((trs) =>
        trs.map((tr) =>
          Array.from(tr.querySelectorAll('td'), (td) => td.textContent?.trim() ?? ''),
        ),
      );
    return rows.map(
      ([, host = '', path = '', , status = '', modelKey = '', reason = '', initiator = '']) => ({
        host,
        path,
        status,
        modelKey,
        reason,
        initiator,
      }),
    );
  }

  /** The request count in the ledger's totals line. */
  async ledgerCount(): Promise<number> {
    const text = (await this.ledgerTotals.textContent()) ?? '';
    return Number(/^\s*([\d,]+)\s+requests?/.exec(text)?.[1]?.replace(/,/g, '') ?? NaN);
  }
}

/** Every entry of one Cache Storage cache, with its stored body size and content type. */
export async function cacheEntries(page: Page, cacheName: string): Promise<CachedEntry[]> {
  return page.evaluate(async (name) => {
    if (!(await caches.has(name))) return [];
    const cache = await caches.open(name);
    const entries = [];
    for (const request of await cache.keys()) {
      const response = await cache.match(request);
      entries.push({
        url: request.url,
        sizeBytes: response ? (await response.blob()).size : 0,
        contentType: response?.headers.get('content-type') ?? '',
      });
    }
    return entries;
  }, cacheName);
}

export function totalBytes(entries: CachedEntry[]): number {
  return entries.reduce((sum, e) => sum + e.sizeBytes, 0);
}

/** A size as the app shows it (1024-based, one decimal): `512.3 KB`. */
export function shownBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}
