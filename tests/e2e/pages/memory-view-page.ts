// Page object for the Memory view (/memory), and seeding of chats with memories taken from them,
// written straight into IndexedDB (the chat's "Remember this" is not what these tests are about).
import { expect, type Locator, type Page } from '@playwright/test';

export interface SeedChat {
  id: string;
  title: string;
  /** Messages of the chat, alternating user and assistant. */
  messages: string[];
  /** Memories taken from this chat. */
  memories: string[];
}

export async function seedChats(page: Page, chats: SeedChat[]): Promise<void> {
  await page.evaluate(async (chats) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const r = indexedDB.open('hearth');
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(new Error('open failed'));
    });
    const tx = db.transaction(['conversations', 'messages', 'memories'], 'readwrite');
    const now = Date.now();
    for (const chat of chats) {
      tx.objectStore('conversations').put({
        id: chat.id,
        title: chat.title,
        createdAt: now,
        updatedAt: now,
      });
      chat.messages.forEach((content, i) =>
        tx.objectStore('messages').put({
          id: `${chat.id}-m${i}`,
          conversationId: chat.id,
          role: i % 2 === 0 ? 'user' : 'assistant',
          content,
          createdAt: now + i,
          status: 'done',
        }),
      );
      chat.memories.forEach((text, i) =>
        tx.objectStore('memories').put({
          id: `${chat.id}-memory${i}`,
          text,
          source: { kind: 'message', conversationId: chat.id, messageId: `${chat.id}-m0` },
          createdAt: now + i,
          updatedAt: now + i,
        }),
      );
    }
    await new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(new Error('seed failed'));
    });
    db.close();
  }, chats);
}

export class MemoryViewPage {
  readonly page: Page;
  readonly heading: Locator;
  readonly newMemory: Locator;
  readonly search: Locator;
  readonly list: Locator;
  readonly items: Locator;
  readonly texts: Locator;
  readonly empty: Locator;

  constructor(page: Page) {
    this.page = page;
    this.heading = page.getByRole('heading', { name: 'Memory', level: 1 });
    this.newMemory = page.getByRole('textbox', { name: 'New memory' });
    this.search = page.getByRole('searchbox', { name: 'Search memories' });
    this.list = page.getByRole('list', { name: 'Memories' });
    this.items = page.getByTestId('memory-item');
    this.texts = page.getByTestId('memory-text');
    this.empty = page.getByTestId('memory-empty');
  }

  async open(): Promise<void> {
    await this.page.goto('/memory');
    await expect(this.heading).toBeVisible();
  }

  /** Adds a memory from the keyboard (Control+Enter) and waits for it in the list. */
  async add(text: string): Promise<void> {
    await this.newMemory.fill(text);
    await this.newMemory.press('Control+Enter');
    await expect(this.newMemory).toHaveValue('');
    await expect(this.texts.filter({ hasText: text.trim() }).first()).toBeVisible();
  }

  item(text: string): Locator {
    return this.items.filter({
      has: this.page.getByTestId('memory-text').getByText(text, { exact: true }),
    });
  }

  async edit(from: string, to: string): Promise<void> {
    await this.page.getByRole('button', { name: `Edit “${from}”` }).click();
    const field = this.page.getByRole('textbox', { name: 'Edit memory' });
    await expect(field).toBeFocused();
    await field.fill(to);
    await field.press('Control+Enter');
    await expect(field).toHaveCount(0);
    await expect(this.texts.getByText(to, { exact: true })).toBeVisible();
  }

  async forget(text: string): Promise<void> {
    await this.page.getByRole('button', { name: `Forget “${text}”` }).click();
    await expect(this.texts.getByText(text, { exact: true })).toHaveCount(0);
  }
}
