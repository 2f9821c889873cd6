// Page object for the search view and for seeding notes through the real import dialog.
import { expect, type Locator, type Page } from '@playwright/test';
import { patient } from '../patience';

export class SearchPage {
  readonly page: Page;
  readonly input: Locator;
  readonly mode: Locator;
  readonly kind: Locator;
  readonly tag: Locator;
  readonly from: Locator;
  readonly to: Locator;
  readonly results: Locator;
  readonly folder: Locator;
  readonly count: Locator;
  /** "Searched 2,400 of 6,289 notes — indexing…" under the count, while the index catches up. */
  readonly coverage: Locator;
  readonly resultList: Locator;
  readonly indexStatus: Locator;

  constructor(page: Page) {
    this.page = page;
    this.input = page.getByRole('searchbox', { name: 'Search notes' });
    this.mode = page.getByLabel('Match', { exact: true });
    this.kind = page.getByLabel('Kind', { exact: true });
    this.tag = page.getByLabel('Tag', { exact: true });
    this.from = page.getByLabel('From', { exact: true });
    this.to = page.getByLabel('To', { exact: true });
    this.results = page.getByRole('main').getByRole('listitem').getByRole('link');
    this.folder = page.getByLabel('Folder', { exact: true });
    this.count = page.getByTestId('search-count');
    this.coverage = page.getByTestId('search-coverage');
    this.resultList = page.locator('ol.results');
    this.indexStatus = page.getByTestId('search-index-status');
  }

  async open(query = ''): Promise<void> {
    await this.page.goto(query ? `/search?q=${encodeURIComponent(query)}` : '/search');
    await expect(this.input).toBeVisible();
  }

  /** Opens search without reloading, the way a user clicks it in the top bar. */
  async openInApp(): Promise<void> {
    await this.page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Search' })
      .click();
    await expect(this.input).toBeFocused();
  }

  async search(query: string): Promise<void> {
    await this.input.fill(query);
  }

  /** The result whose path line contains `path`. */
  result(path: string): Locator {
    return this.results.filter({ hasText: path });
  }

  async expectCount(n: number): Promise<void> {
    await expect(this.count).toHaveText(new RegExp(`^${n.toLocaleString('en-US')} results? · `));
  }

  /** Waits until the answer on screen is the one for `query` (count line and results). */
  async expectAnswerFor(query: string, timeoutMs = 60_000): Promise<void> {
    await expect(
      this.page.locator(`[data-testid=search-count][data-query="${query}"]`),
    ).toBeVisible({ timeout: patient(timeoutMs) });
    await expect(this.page.getByTestId('search-pending')).toBeHidden();
  }

  /** The count line's number of results. */
  async countValue(): Promise<number> {
    return Number((await this.count.innerText()).split(' ')[0]!.replace(/\D/g, ''));
  }

  /**
   * From now on (reloads included), every DOM change and every frame checks that the count line,
   * the coverage line and the (non-stale) result list answer the query in the box; breaches are
   * kept in the page for `answerBreaches`.
   */
  async watchAnswers(): Promise<void> {
    await this.page.addInitScript(() => {
      const w = window as unknown as { __answerBreaches: string[] };
      w.__answerBreaches = [];
      const check = () => {
        const input = document.querySelector<HTMLInputElement>('input[type=search]');
        if (!input) return;
        const query = input.value;
        const answers = [
          ...document.querySelectorAll<HTMLElement>(
            '[data-testid=search-count], [data-testid=search-coverage], ol.results:not([aria-busy=true])',
          ),
        ];
        for (const el of answers) {
          if (el.dataset['query'] !== query) {
            w.__answerBreaches.push(`box “${query}”, ${el.className} for “${el.dataset['query']}”`);
          }
        }
      };
      new MutationObserver(check).observe(document, {
        subtree: true,
        childList: true,
        characterData: true,
        attributes: true,
      });
      const everyFrame = () => {
        check();
        requestAnimationFrame(everyFrame);
      };
      requestAnimationFrame(everyFrame);
    });
  }

  /** What `watchAnswers` saw since the page last loaded. */
  async answerBreaches(): Promise<string[]> {
    return this.page.evaluate(
      () => (window as unknown as { __answerBreaches?: string[] }).__answerBreaches ?? [],
    );
  }

  /** Deletes the keyword index snapshot straight from IndexedDB, as if it had never been saved. */
  async dropSavedIndex(): Promise<void> {
    await this.page.evaluate(async () => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open('hearth');
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(new Error(request.error?.message ?? 'open failed'));
      });
      try {
        await new Promise<void>((resolve, reject) => {
          const tx = db.transaction('meta', 'readwrite');
          tx.objectStore('meta').delete('search-index');
          tx.oncomplete = () => resolve();
          tx.onerror = () => reject(new Error(tx.error?.message ?? 'delete failed'));
        });
      } finally {
        db.close();
      }
    });
  }

  /** Waits until the index has written its snapshot, so a reload restores it. */
  async waitForSnapshot(): Promise<void> {
    await expect(this.indexStatus).toHaveAttribute('data-snapshot', 'saved', {
      timeout: patient(60_000),
    });
  }

  /** Imports a folder through the import dialog's folder input; returns the number added. */
  async importFolder(dir: string, timeoutMs = 60_000): Promise<number> {
    await this.page.setInputFiles('[data-testid=import-folder-input]', dir);
    const added = this.page.getByTestId('import-added');
    await expect(added).toBeVisible({ timeout: patient(timeoutMs) });
    const count = Number((await added.innerText()).replace(/\D/g, ''));
    await this.page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();
    return count;
  }
}
