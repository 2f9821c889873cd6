// Page object for the notes and journal views.
import { expect, type Locator, type Page } from '@playwright/test';
import { readVault } from './import-dialog';

export class NotesPage {
  readonly page: Page;
  readonly text: Locator;
  readonly title: Locator;
  readonly tags: Locator;
  readonly status: Locator;
  readonly preview: Locator;
  /** The failed-save alert, with its Retry (or Save as a new note) button. */
  readonly saveError: Locator;
  /** The banner that says the note was also changed elsewhere and where the other text went. */
  readonly conflict: Locator;
  readonly compareDialog: Locator;
  readonly leaveDialog: Locator;

  constructor(page: Page) {
    this.page = page;
    this.text = page.getByRole('textbox', { name: 'Note text' });
    this.title = page.getByRole('textbox', { name: 'Title' });
    this.tags = page.getByRole('textbox', { name: 'Tags' });
    this.status = page.getByTestId('save-status');
    this.preview = page.getByRole('article', { name: 'Preview' });
    this.saveError = page
      .getByRole('alert')
      .filter({ has: page.getByRole('button', { name: /^(Retry|Save as a new note)$/ }) });
    this.conflict = page.getByRole('alert').filter({ hasText: 'also changed elsewhere' });
    this.compareDialog = page.getByRole('dialog', { name: 'Compare the two versions' });
    this.leaveDialog = page.getByRole('dialog', { name: 'Leave with unsaved text?' });
  }

  async open(path = '/'): Promise<void> {
    await this.page.goto(path);
    await expect(this.page.getByRole('button', { name: 'New note' })).toBeVisible();
  }

  /** Creates a note through the UI and returns its id. */
  async create(): Promise<string> {
    const before = this.page.url();
    await this.page.getByRole('button', { name: 'New note' }).click();
    // Wait for the new note's URL, not the one already open.
    await this.page.waitForURL(
      (url) => url.href !== before && /\/notes\/[0-9a-f-]{36}$/.test(url.pathname),
    );
    await expect(this.status).toHaveText('Saved');
    return this.noteId();
  }

  /** Opens a note by id and waits for its text to load. */
  async openNote(id: string): Promise<void> {
    await this.page.goto(`/notes/${id}`);
    await expect(this.text).toBeEnabled();
  }

  noteId(): string {
    const match = /\/notes\/([^/?#]+)/.exec(this.page.url());
    if (!match?.[1]) throw new Error(`Not on a note page: ${this.page.url()}`);
    return decodeURIComponent(match[1]);
  }

  async rename(title: string): Promise<void> {
    await this.title.fill(title);
    await this.title.press('Enter');
    await expect(this.status).toHaveText('Saved');
    await expect(this.title).toHaveValue(title);
  }

  /** Appends text at the end of the note by typing (real key events). */
  async typeAtEnd(text: string): Promise<void> {
    await this.text.click();
    await this.page.keyboard.press('Control+End');
    await this.page.keyboard.type(text);
  }

  async saved(): Promise<void> {
    await expect(this.status).toHaveText('Saved');
  }

  /** Reads a note's stored text straight from IndexedDB, bypassing the UI. */
  async storedContent(id: string): Promise<string | undefined> {
    return (await readVault(this.page)).find((note) => note.id === id)?.content;
  }
}
