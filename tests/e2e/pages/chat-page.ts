// Page object for the chat view (/chat), and a helper that imports the generated tiny Llama
// through the Models page, the way a user would, so chat has a real model to answer with.
import { expect, type Locator, type Page } from '@playwright/test';
import { TINY_LLAMA_DIR } from '../model-fixtures';
import { readAll } from '../idb';
import { patient } from '../patience';

/** The first answer waits for the ONNX runtime to start and the session to be created. */
export const FIRST_ANSWER_TIMEOUT_MS = 60_000;

/**
 * Imports the tiny Llama folder on /models (waiting until it is listed), first setting Settings →
 * "Longest answer (tokens)" the way a user would: the random-weight model never stops early, so
 * short answers keep tests quick.
 */
export async function importTinyLlama(page: Page, answerTokens = 96): Promise<string> {
  await setAnswerTokens(page, answerTokens);
  await page.goto('/models');
  await expect(page.getByRole('heading', { name: 'Models', level: 1 })).toBeVisible();
  await page.getByLabel('Model folder').setInputFiles(TINY_LLAMA_DIR);
  const row = page
    .getByRole('list', { name: 'Models on this device' })
    .getByTestId('installed-model');
  await expect(row).toHaveCount(1, { timeout: patient(30_000) });
  await expect(page.getByTestId('model-import-error')).toHaveCount(0);
  return ((await row.getByRole('heading').textContent()) ?? '').trim();
}

/**
 * Sets Settings → "Longest answer (tokens)" as a user would. The random-weight tiny model never
 * stops early, so every test that chats keeps its answers short: on a busy machine a 1,024-token
 * answer can take minutes.
 */
export async function setAnswerTokens(page: Page, answerTokens: number): Promise<void> {
  await page.goto('/settings');
  const longest = page.getByRole('spinbutton', { name: 'Longest answer (tokens)' });
  await longest.fill(String(answerTokens));
  await longest.press('Tab');
  await expect
    .poll(() => readSetting(page, 'maxAnswerTokens'), { timeout: patient(10_000) })
    .toBe(answerTokens);
}

/** One app setting, read straight from IndexedDB. */
async function readSetting(page: Page, key: string): Promise<unknown> {
  const rows = await readAll<{ key: string; value: unknown }>(page, 'settings');
  return rows.find((row) => row.key === key)?.value;
}

export interface SavedMessage {
  id: string;
  role: string;
  content: string;
  status?: string;
  createdAt: number;
}

/** Every saved chat message, oldest first, read straight from IndexedDB. */
export async function readMessages(page: Page): Promise<SavedMessage[]> {
  const rows = await readAll<SavedMessage>(page, 'messages');
  return rows.sort((a, b) => a.createdAt - b.createdAt);
}

export class ChatPage {
  readonly page: Page;
  readonly list: Locator;
  readonly pane: Locator;
  readonly log: Locator;
  readonly title: Locator;
  readonly input: Locator;
  readonly route: Locator;
  readonly sendButton: Locator;
  readonly stopButton: Locator;
  readonly messages: Locator;
  readonly userMessages: Locator;
  readonly answers: Locator;
  /** The text of each user message, in order. */
  readonly userTexts: Locator;
  readonly conversations: Locator;
  readonly filter: Locator;

  constructor(page: Page) {
    this.page = page;
    this.list = page.getByRole('navigation', { name: 'Conversations' });
    this.pane = page.getByRole('region', { name: 'Chat' });
    this.log = page.getByRole('log', { name: 'Messages' });
    this.title = this.pane.getByRole('heading', { level: 1 });
    this.input = page.getByRole('textbox', { name: 'Message', exact: true });
    this.route = page.getByRole('combobox', { name: 'Answer with' });
    this.sendButton = page.getByRole('button', { name: 'Send', exact: true });
    this.stopButton = page.getByRole('button', { name: 'Stop', exact: true });
    this.messages = this.log.getByTestId('chat-message');
    this.userMessages = this.log.locator('[data-testid="chat-message"][data-role="user"]');
    this.answers = this.log.locator('[data-testid="chat-message"][data-role="assistant"]');
    this.userTexts = this.userMessages.getByTestId('message-text');
    this.conversations = this.list.getByTestId('conversation-item');
    this.filter = this.list.getByRole('searchbox', { name: 'Filter chats' });
  }

  async open(path = '/chat'): Promise<void> {
    await this.page.goto(path);
    await expect(this.log).toBeVisible();
  }

  /** Types a message and sends it with the Send button (routing as `route` says, else Auto). */
  async send(text: string, route?: string): Promise<void> {
    if (route) await this.route.selectOption({ label: route });
    await this.input.fill(text);
    await this.sendButton.click();
  }

  answer(index = -1): Locator {
    return index < 0 ? this.answers.last() : this.answers.nth(index);
  }

  text(message: Locator): Locator {
    return message.getByTestId('message-text');
  }

  /** Waits for the latest answer to finish as `status` and returns its text. */
  async waitForAnswer(status = 'done', timeoutMs = FIRST_ANSWER_TIMEOUT_MS): Promise<string> {
    const answer = this.answer();
    await expect(answer).toHaveAttribute('data-status', status, { timeout: patient(timeoutMs) });
    await expect(this.log).toHaveAttribute('aria-busy', 'false');
    return this.shownText(answer);
  }

  /** The exact text a message shows (its DOM text, so Markdown spacing cannot blur a comparison). */
  async shownText(message = this.answer()): Promise<string> {
    return (await this.text(message).textContent()) ?? '';
  }

  /** Waits until the latest answer shows some streamed text and returns it. */
  async waitForSomeText(timeoutMs = FIRST_ANSWER_TIMEOUT_MS): Promise<string> {
    const text = this.text(this.answer());
    await expect(text).not.toHaveText(/^\s*(Thinking…)?\s*$/, { timeout: patient(timeoutMs) });
    return (await text.textContent()) ?? '';
  }

  conversation(title: string): Locator {
    return this.conversations.filter({ has: this.page.getByRole('link', { name: title }) });
  }

  async rename(from: string, to: string): Promise<void> {
    await this.list.getByRole('button', { name: `Rename “${from}”` }).click();
    const field = this.list.getByRole('textbox', { name: 'Chat title' });
    await field.fill(to);
    await field.press('Enter');
    await expect(field).toHaveCount(0);
  }

  async remove(title: string): Promise<void> {
    await this.list.getByRole('button', { name: `Delete “${title}”` }).click();
  }
}
