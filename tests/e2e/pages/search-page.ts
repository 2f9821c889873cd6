// Page object for the search view and for seeding notes through the real import dialog.
import { expect, type Locator, type Page } from '@playwright/test';

export class SearchPage {
  readonly page: Page;
  readonly input: Locator;
  readonly mode: Locator;
  readonly kind: Locator;
  readonly tag: Locator;
  readonly from: Locator;
  readonly to: Locator;
  readonly results: Locator;
  readonly count: Locator;
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
    this.count = page.getByTestId('search-count');
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

  /** Waits until the index has written its snapshot, so a reload restores it. */
  async waitForSnapshot(): Promise<void> {
    await expect(this.indexStatus).toHaveAttribute('data-snapshot', 'saved', {
      timeout: 60_000,
    });
  }

  /** Imports a folder through the import dialog's folder input; returns the number added. */
  async importFolder(dir: string): Promise<number> {
    await this.page.setInputFiles('[data-testid=import-folder-input]', dir);
    const added = this.page.getByTestId('import-added');
    await expect(added).toBeVisible({ timeout: 60_000 });
    const count = Number((await added.innerText()).replace(/\D/g, ''));
    await this.page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();
    return count;
  }
}
