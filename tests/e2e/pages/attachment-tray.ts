// Page object for the chat's attachment tray (in the composer): pick files or a folder through
// the real file chooser, and read what the tray lists.
import type { Locator, Page } from '@playwright/test';

export interface PickedPayload {
  name: string;
  mimeType: string;
  buffer: Buffer;
}

export class AttachmentTray {
  readonly page: Page;
  readonly region: Locator;
  readonly attachFiles: Locator;
  readonly attachFolder: Locator;
  /** Stored attachments of the open chat. */
  readonly items: Locator;
  /** Attachments refused as a whole, with their reason. */
  readonly refused: Locator;
  /** Attachments still being read. */
  readonly pending: Locator;

  constructor(page: Page) {
    this.page = page;
    this.region = page.getByRole('region', { name: 'Attachments' });
    this.attachFiles = this.region.getByRole('button', { name: 'Attach files' });
    this.attachFolder = this.region.getByRole('button', { name: 'Attach folder' });
    this.items = this.region.getByTestId('attachment-item');
    this.refused = this.region.getByTestId('attachment-refused');
    this.pending = this.region.getByTestId('attachment-pending');
  }

  /** Clicks "Attach files" and answers the file chooser with these files. */
  async pickFiles(files: PickedPayload[]): Promise<void> {
    const chooser = this.page.waitForEvent('filechooser');
    await this.attachFiles.click();
    await (await chooser).setFiles(files);
  }

  /** Clicks "Attach folder" and answers the chooser with a folder on disk. */
  async pickFolder(dir: string): Promise<void> {
    const chooser = this.page.waitForEvent('filechooser');
    await this.attachFolder.click();
    await (await chooser).setFiles(dir);
  }

  item(name: string): Locator {
    return this.items.filter({
      has: this.page.getByTestId('attachment-name').getByText(name, { exact: true }),
    });
  }

  refusal(name: string): Locator {
    return this.refused.filter({
      has: this.page.getByTestId('attachment-name').getByText(name, { exact: true }),
    });
  }
}
