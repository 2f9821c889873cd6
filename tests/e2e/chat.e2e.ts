// Chat through the UI in real Chromium, answered by the generated tiny Llama (random but seeded
// weights, greedy decoding: the same prompt always gets the same answer) running in the real
// transformers.js engine in its worker. Its answers rarely hit EOS, so they run to the token limit
// and stream long enough to stop, and their text is gibberish: tests assert on behaviour, not words.
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { ChatPage, FIRST_ANSWER_TIMEOUT_MS, importTinyLlama } from './pages/chat-page';

interface Snapshot {
  text: string;
  status: string | null;
}

/** Records every distinct (text, status) state of the latest answer, from its first mutation. */
async function recordAnswer(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __answerStates: Snapshot[] };
    w.__answerStates = [];
    const log = document.querySelector('[role="log"]');
    if (!log) throw new Error('No messages log');
    const take = () => {
      const answers = log.querySelectorAll('[data-testid="chat-message"][data-role="assistant"]');
      const last = answers[answers.length - 1];
      if (!last) return;
      const text = last.querySelector('[data-testid="message-text"]')?.textContent ?? '';
      const status = last.getAttribute('data-status');
      const prev = w.__answerStates.at(-1);
      if (!prev || prev.text !== text || prev.status !== status)
        w.__answerStates.push({ text, status });
    };
    new MutationObserver(take).observe(log, {
      subtree: true,
      childList: true,
      characterData: true,
      attributes: true,
    });
  });
}

const recorded = (page: Page): Promise<Snapshot[]> =>
  page.evaluate(() => (window as unknown as { __answerStates: Snapshot[] }).__answerStates);

test.describe('chat', () => {
  test('with no model installed, chat offers to get one', async ({ page }) => {
    const chat = new ChatPage(page);
    await chat.open();
    const empty = page.getByTestId('chat-empty');
    await expect(empty).toContainText('No model on this device yet');
    const cta = page.getByTestId('chat-get-model');
    await expect(cta).toHaveAttribute('href', '/models');
    await expect(chat.input).toBeDisabled();
    await cta.click();
    await expect(page).toHaveURL(/\/models$/);
  });

  test('an answer streams token by token and names its model, reason and speed', async ({
    page,
  }) => {
    const modelName = await importTinyLlama(page);
    const chat = new ChatPage(page);
    await chat.open();
    await expect(page.getByTestId('chat-empty')).toContainText('Start a conversation');
    await recordAnswer(page);
    await chat.send('Hello there, how are you today');
    await expect(chat.userTexts).toHaveText(['Hello there, how are you today']);
    await expect(chat.log).toHaveAttribute('aria-busy', 'true');
    await chat.waitForAnswer('done');

    const states = await recorded(page);
    const streamed = states.filter((s) => s.status === 'streaming' && s.text.trim() !== '');
    expect(new Set(streamed.map((s) => s.text)).size).toBeGreaterThanOrEqual(5);
    const lengths = streamed.map((s) => s.text.length);
    expect(lengths.at(-1)).toBeGreaterThan(lengths[0] ?? 0);
    expect(states.at(-1)?.status).toBe('done');
    // The final text is the last streamed one, or grew past it.
    const final = states.at(-1)?.text ?? '';
    expect(final.length).toBeGreaterThanOrEqual(lengths.at(-1) ?? 0);

    const answer = chat.answer();
    await expect(answer.getByTestId('message-model')).toContainText(modelName);
    await expect(answer.getByTestId('message-reason')).toContainText(
      `Quick chat: a short everyday message`,
    );
    await expect(answer.getByTestId('message-stats')).toHaveText(
      /^\d+\.\d tokens\/s · \d+ tokens · \d+\.\d s$/,
    );
    await expect(chat.title).toHaveText('Hello there, how are you today');
    await expect(page).toHaveURL(/\/chat\/[^/]+$/);
  });

  test('Stop halts the answer at once, keeps what was shown, and Escape stops too', async ({
    page,
  }) => {
    await importTinyLlama(page);
    const chat = new ChatPage(page);
    await chat.open();
    await chat.send('Tell me a very long story about the sea');
    await chat.waitForSomeText();
    await chat.stopButton.click();
    const atStop = await chat.text(chat.answer()).innerText();
    expect(atStop.trim()).not.toBe('');
    await page.waitForTimeout(1_500);
    await expect(chat.text(chat.answer())).toHaveText(atStop);
    await expect(chat.answer()).toHaveAttribute('data-status', 'stopped');
    await expect(chat.answer().getByTestId('message-status')).toHaveText('Stopped');
    await expect(chat.log).toHaveAttribute('aria-busy', 'false');
    await expect(chat.stopButton).toHaveCount(0);
    // What was on screen is what was saved.
    await page.reload();
    await expect(chat.answer()).toHaveAttribute('data-status', 'stopped');
    await expect(chat.text(chat.answer())).toHaveText(atStop);

    // The composer is usable again; Escape in it stops the next answer.
    await chat.input.fill('And another one, even longer');
    await expect(chat.sendButton).toBeEnabled();
    await chat.sendButton.click();
    await expect(chat.answers).toHaveCount(2);
    await chat.waitForSomeText();
    await chat.input.press('Escape');
    const atEscape = await chat.text(chat.answer()).innerText();
    await page.waitForTimeout(1_500);
    await expect(chat.text(chat.answer())).toHaveText(atEscape);
    await expect(chat.answer()).toHaveAttribute('data-status', 'stopped');
    await expect(chat.answer().getByTestId('message-status')).toHaveText('Stopped');
    await chat.input.fill('Still here?');
    await expect(chat.sendButton).toBeEnabled();
  });

  test('Regenerate writes a new answer; editing a message drops what followed and resends', async ({
    page,
  }) => {
    await importTinyLlama(page);
    const chat = new ChatPage(page);
    await chat.open();
    await chat.send('What is a good name for a cat');
    const first = await chat.waitForAnswer('done');

    // Tag the answer's element: a regenerated answer is a new message, so a new element.
    await chat.answer().evaluate((el) => el.setAttribute('data-old', 'yes'));
    await chat.answer().getByRole('button', { name: 'Regenerate' }).click();
    await expect(chat.answer()).toHaveAttribute('data-status', 'streaming');
    await expect(chat.answers).toHaveCount(1);
    await expect(chat.log.locator('[data-old]')).toHaveCount(0);
    const again = await chat.waitForAnswer('done');
    // Greedy decoding of the same prompt: the old answer was not part of the new prompt.
    expect(again).toBe(first);

    await chat.send('And a name for a dog');
    await chat.stopOnceWriting();
    await expect(chat.messages).toHaveCount(4);

    const firstUser = chat.userMessages.first();
    await firstUser.getByRole('button', { name: 'Edit message' }).click();
    const editor = firstUser.getByRole('textbox', { name: 'Edit message' });
    await expect(editor).toHaveValue('What is a good name for a cat');
    await editor.fill('What is a good name for a parrot');
    await firstUser.getByRole('button', { name: 'Save and resend' }).click();
    await expect(chat.messages).toHaveCount(2);
    await expect(chat.userTexts).toHaveText(['What is a good name for a parrot']);
    await expect(chat.answer()).toHaveAttribute('data-status', 'streaming');
    const edited = await chat.waitForAnswer('done');
    expect(edited).not.toBe(first);

    await page.reload();
    await expect(chat.messages).toHaveCount(2);
    await expect(chat.userTexts).toHaveText(['What is a good name for a parrot']);
    await expect(chat.text(chat.answer())).toHaveText(edited);
  });

  test('a conversation survives a reload', async ({ page }) => {
    await importTinyLlama(page);
    const chat = new ChatPage(page);
    await chat.open();
    await chat.send('Remember this: the kettle is blue');
    const answer = await chat.waitForAnswer('done');
    const url = page.url();

    await page.reload();
    await expect(chat.title).toHaveText('Remember this: the kettle is blue');
    await expect(chat.conversation('Remember this: the kettle is blue')).toHaveCount(1);
    await expect(chat.userTexts).toHaveText(['Remember this: the kettle is blue']);
    await expect(chat.answer()).toHaveAttribute('data-status', 'done');
    await expect(chat.text(chat.answer())).toHaveText(answer);
    await expect(chat.answer().getByTestId('message-stats')).toContainText('tokens/s');

    // Also reachable from a fresh start through the list.
    await chat.open('/chat');
    await expect(chat.title).toHaveText('New chat');
    await chat.conversation('Remember this: the kettle is blue').getByRole('link').click();
    await expect(page).toHaveURL(url);
    await expect(chat.text(chat.answer())).toHaveText(answer);
  });

  test('chats can be renamed, filtered by title, and deleted with Undo', async ({ page }) => {
    await importTinyLlama(page);
    const chat = new ChatPage(page);
    await chat.open();
    await chat.send('Alpha question about tomatoes');
    await chat.stopOnceWriting();
    await page.getByTestId('new-chat').click();
    await expect(chat.title).toHaveText('New chat');
    await chat.send('Beta question about bicycles');
    await chat.stopOnceWriting();
    await expect(chat.conversations).toHaveCount(2);

    await chat.rename('Alpha question about tomatoes', 'Gardening notes');
    await expect(chat.conversation('Gardening notes')).toHaveCount(1);
    await expect(chat.conversation('Alpha question about tomatoes')).toHaveCount(0);

    await chat.filter.fill('garden');
    await expect(chat.conversations).toHaveCount(1);
    await expect(chat.conversations.getByRole('link')).toHaveText('Gardening notes');
    await chat.filter.fill('no such chat');
    await expect(chat.conversations).toHaveCount(0);
    await expect(chat.list).toContainText('No chat title matches.');
    await chat.filter.fill('');
    await expect(chat.conversations).toHaveCount(2);

    // Renaming the open chat updates its heading.
    await chat.rename('Beta question about bicycles', 'Cycling');
    await expect(chat.title).toHaveText('Cycling');

    // Deleting the open chat leaves it; Undo brings it back with its messages.
    await chat.remove('Cycling');
    await expect(chat.conversations).toHaveCount(1);
    await expect(page).toHaveURL(/\/chat$/);
    await expect(chat.title).toHaveText('New chat');
    await page.getByRole('status').getByRole('button', { name: 'Undo' }).click();
    await expect(chat.conversations).toHaveCount(2);
    await chat.conversation('Cycling').getByRole('link').click();
    await expect(chat.title).toHaveText('Cycling');
    await expect(chat.userTexts).toHaveText(['Beta question about bicycles']);
    await expect(chat.answer()).toHaveAttribute('data-status', 'stopped');

    // Deleted for good once the toast is gone, also after a reload.
    await chat.remove('Gardening notes');
    await page.reload();
    await expect(chat.conversations).toHaveCount(1);
    await expect(chat.conversations.getByRole('link')).toHaveText('Cycling');
  });
});
