// Long-term memory in the chat, in real Chromium with the tiny Llama: `/remember …` and
// "Remember this" store memories without asking the model; a recalled memory is in the request
// the engine worker receives ("What you have told me") and listed under the answer; once
// forgotten on the Memory page it is in no IndexedDB store and in no later request.
import { test, expect } from './fixtures';
import { ChatPage, importTinyLlama } from './pages/chat-page';
import { MemoryViewPage } from './pages/memory-view-page';
import { goInApp } from './pages/memory-page';
import { appWorker, recordChatRequests, recordedChatRequests } from './pages/worker-rpc';
import { findInIndexedDb } from './idb-scan';
import { readAll } from './idb';
import { patient } from './patience';
import type { ChatMessage } from '../../src/lib/llm/types';

const FACT = 'I keep three beehives on the roof';
const QUOTE = 'My allotment is plot 42 by the canal';

test('memories from /remember and Remember this reach the prompt and the answer; forgotten, they reach neither', async ({
  page,
}) => {
  test.setTimeout(patient(300_000));
  const chat = new ChatPage(page);
  const view = new MemoryViewPage(page);
  await importTinyLlama(page, 16);

  await goInApp(page, '/chat');
  await expect(chat.log).toBeVisible();
  await chat.send(`/remember ${FACT}`);
  await expect(page.getByText(`Remembered “${FACT}”`)).toBeVisible();
  // A command, not a question: nothing was sent to the model.
  await expect(chat.messages).toHaveCount(0);

  await chat.send(QUOTE);
  await chat.waitForAnswer('done', 120_000);
  const engine = await appWorker(page, /llm-transformers/);
  await recordChatRequests(engine);
  // "Remember this" on the question: the editor opens prefilled; Control+Enter keeps it.
  await chat.userMessages.last().getByRole('button', { name: 'Remember this' }).click();
  const field = page.getByRole('textbox', { name: /Remember/ });
  await expect(field).toHaveValue(QUOTE);
  await field.press('Control+Enter');
  await expect(page.getByText('Remembered. See it on the Memory page.')).toBeVisible();

  await goInApp(page, '/memory');
  await expect(view.heading).toBeVisible();
  await expect(view.texts.getByText(FACT, { exact: true })).toBeVisible();
  await expect(view.texts.getByText(QUOTE, { exact: true })).toBeVisible();

  // Asked in a new chat, the memories sharing its words are recalled into the prompt.
  await goInApp(page, '/chat');
  await expect(chat.messages).toHaveCount(0);
  await chat.send('How many beehives do I keep on the roof, and which allotment plot is mine?');
  await chat.waitForAnswer('done', 120_000);
  const asked = (await recordedChatRequests<{ messages: ChatMessage[] }>(engine)).at(-1)!;
  const system = asked.messages[0]?.content ?? '';
  expect(system).toContain('What you have told me');
  expect(system).toContain(FACT);
  expect(system).toContain(QUOTE);
  const listed = chat.answer().getByTestId('answer-memory');
  await expect(listed.filter({ hasText: FACT })).toHaveCount(1);
  await expect(listed.filter({ hasText: QUOTE })).toHaveCount(1);
  // The line saying why this model answered also says what it was given.
  await expect(chat.answer().getByTestId('message-given')).toHaveText('· given 2 memories');

  // Forgotten: in no store of any database (the chat message holding the quote is the user's
  // own message and stays; the fact was never a message), and in no later request.
  await goInApp(page, '/memory');
  await view.forget(FACT);
  await expect(page.getByRole('button', { name: 'Undo' })).toBeVisible();
  await expect.poll(() => findInIndexedDb(page, FACT), { timeout: patient(15_000) }).toEqual([]);
  await goInApp(page, '/chat');
  await expect(chat.messages).toHaveCount(0);
  await chat.send('How many beehives do I keep on the roof?');
  await chat.waitForAnswer('done', 120_000);
  const later = (await recordedChatRequests<{ messages: ChatMessage[] }>(engine)).at(-1)!;
  expect(JSON.stringify(later)).not.toContain(FACT);
  await expect(chat.answer().getByTestId('answer-memory')).toHaveCount(0);
  await expect(chat.answer().getByTestId('message-given')).toHaveText('· given no sources');

  // Proposals are offered under a chat only once turned on in Settings; the tiny model's reply is
  // not JSON, so it is discarded with a message and nothing is stored.
  const propose = page.getByRole('button', { name: 'Propose memories from this chat' });
  await expect(propose).toHaveCount(0);
  const chatPath = new URL(page.url()).pathname;
  await goInApp(page, '/settings');
  await page
    .getByRole('checkbox', { name: 'Let the model propose memories from a conversation' })
    .check();
  await goInApp(page, chatPath);
  const before = (await readAll(page, 'memories')).length;
  await propose.click();
  await expect(page.getByTestId('proposal-error')).toContainText(
    "The model's proposals were discarded:",
    { timeout: patient(90_000) },
  );
  expect(await readAll(page, 'memories')).toHaveLength(before);
});
