// Retention rules (issue 12 part 5) on a fixed clock: the preview says what a rule removes before
// it is saved; saving applies it, with Undo for chats; pinned chats stay; and the rules apply
// again at the next start.
import { test, expect } from './fixtures';
import type { Page } from '@playwright/test';
import { readAll } from './idb';
import { patient } from './patience';

const NOW = Date.parse('2026-12-06T12:00:00Z');
const DAY = 86_400_000;

async function seed(
  page: Page,
  chats: { id: string; title: string; daysAgo: number; pinned?: boolean }[],
  ledgerDaysAgo: number[],
) {
  await page.evaluate(
    async ({ chats, ledgerDaysAgo, now, day }) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const r = indexedDB.open('hearth');
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(new Error('open failed'));
      });
      const tx = db.transaction(['conversations', 'messages', 'requests'], 'readwrite');
      for (const chat of chats) {
        const at = now - chat.daysAgo * day;
        tx.objectStore('conversations').put({
          id: chat.id,
          title: chat.title,
          createdAt: at,
          updatedAt: at,
          ...(chat.pinned ? { pinned: true } : {}),
        });
        tx.objectStore('messages').put({
          id: `${chat.id}-m`,
          conversationId: chat.id,
          role: 'user',
          content: `Hello from ${chat.title}`,
          createdAt: at,
        });
      }
      for (const daysAgo of ledgerDaysAgo)
        tx.objectStore('requests').add({
          at: now - daysAgo * day,
          host: 'huggingface.co',
          path: `/model/${daysAgo}`,
          bytes: 10,
          status: 200,
          modelKey: 'k',
          reason: 'download',
        });
      await new Promise<void>((resolve, reject) => {
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(new Error('seed failed'));
      });
      db.close();
    },
    { chats, ledgerDaysAgo, now: NOW, day: DAY },
  );
}

const titles = async (page: Page) =>
  (await readAll<{ title: string }>(page, 'conversations')).map((c) => c.title).sort();

test('retention rules preview, apply with Undo, spare pinned chats, and run again at start', async ({
  page,
}) => {
  test.setTimeout(patient(120_000));
  await page.clock.setFixedTime(NOW);
  await page.goto('/');
  // The app opens its database once it has mounted, which can come after `load`: a raw open
  // before that would create an empty database in its place.
  await expect(page.getByRole('button', { name: 'New note' })).toBeVisible();
  await seed(
    page,
    [
      { id: 'old', title: 'Old chat', daysAgo: 120 },
      { id: 'kept', title: 'Pinned chat', daysAgo: 400, pinned: true },
      { id: 'recent', title: 'Recent chat', daysAgo: 2 },
    ],
    [60, 1],
  );

  await page.getByRole('link', { name: 'Settings', exact: true }).click();
  await page.getByRole('checkbox', { name: /Delete chats not used for/ }).check();
  await page.getByLabel('Days before an unused chat is deleted').fill('30');
  await page.getByRole('checkbox', { name: /Delete ledger rows older than/ }).check();
  await page.getByLabel('Days a ledger row is kept').fill('30');
  const preview = page.getByTestId('retention-preview');
  await expect(preview).toContainText('deletes now: 1 chat (“Old chat”) and 1 ledger rows');
  // Nothing is removed by the preview.
  expect(await titles(page)).toEqual(['Old chat', 'Pinned chat', 'Recent chat']);

  await page.getByRole('button', { name: 'Save rules' }).click();
  const notice = page.getByText('Your retention rules deleted 1 conversation and 1 ledger rows.');
  await expect(notice).toBeVisible();
  await expect.poll(() => titles(page)).toEqual(['Pinned chat', 'Recent chat']);
  expect((await readAll<{ path: string }>(page, 'requests')).map((r) => r.path)).toEqual([
    '/model/1',
  ]);
  expect(
    (await readAll<{ conversationId: string }>(page, 'messages')).some(
      (m) => m.conversationId === 'old',
    ),
  ).toBe(false);
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect.poll(() => titles(page)).toEqual(['Old chat', 'Pinned chat', 'Recent chat']);
  expect(
    (await readAll<{ conversationId: string }>(page, 'messages')).some(
      (m) => m.conversationId === 'old',
    ),
  ).toBe(true);

  // At the next start, the saved rules apply again (the Undo above brought the old chat back).
  await page.reload();
  await expect(page.getByText('Your retention rules deleted 1 conversation.')).toBeVisible({
    timeout: patient(30_000),
  });
  await expect.poll(() => titles(page)).toEqual(['Pinned chat', 'Recent chat']);

  // Pinning from the chat list keeps a chat whatever the rules say.
  await page.getByRole('link', { name: 'Chat', exact: true }).click();
  const pin = page.getByRole('button', { name: /^Pin “Recent chat”/ });
  await expect(pin).toHaveAttribute('aria-pressed', 'false');
  await pin.click();
  await expect(pin).toHaveAttribute('aria-pressed', 'true');
  await expect
    .poll(
      async () =>
        (await readAll<{ id: string; pinned?: boolean }>(page, 'conversations')).find(
          (c) => c.id === 'recent',
        )?.pinned,
    )
    .toBe(true);
});
