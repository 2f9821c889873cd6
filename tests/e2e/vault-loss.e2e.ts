// Chromium deletes an origin's IndexedDB when it judges it corrupt (a disk that filled up during a
// write can make it judge so: see quota.e2e.ts). Here the deletion is done directly, the way the
// browser does it, and the app must say the vault is gone instead of showing an empty one.
import { test, expect } from './fixtures';
import type { Page } from '@playwright/test';
import { readAll } from './idb';

const notice = (page: Page) =>
  page.getByRole('alert').filter({ hasText: "This browser discarded Hearth's database" });

async function seenNotes(page: Page): Promise<number> {
  return page.evaluate(() => {
    const raw = localStorage.getItem('hearth:vault-seen');
    return raw ? (JSON.parse(raw) as { notes: number }).notes : -1;
  });
}

/** What the browser does to a database it judges corrupt: deletes it, whoever has it open. */
async function discardDatabase(page: Page): Promise<void> {
  await page.evaluate(
    () =>
      new Promise<void>((resolve, reject) => {
        const request = indexedDB.deleteDatabase('hearth');
        request.onsuccess = () => resolve();
        request.onerror = () => reject(new Error(request.error?.message ?? 'delete failed'));
      }),
  );
}

/**
 * What Chromium does to a database it judges corrupt (after a full disk): closes every connection
 * to it with a 'close' event, no versionchange, and deletes it. Clearing the origin's IndexedDB
 * through DevTools takes that same path.
 */
async function discardUnderTheApp(page: Page): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const origin = new URL(page.url()).origin;
    await cdp.send('Storage.clearDataForOrigin', { origin, storageTypes: 'indexeddb' });
  } finally {
    await cdp.detach();
  }
}

test('a database the browser discarded is reported with what it held, until dismissed', async ({
  page,
  notes,
}) => {
  await notes.open();
  await expect(notice(page)).toHaveCount(0);
  await notes.create();
  await notes.typeAtEnd('First note.\n');
  await notes.saved();
  await notes.create();
  await notes.typeAtEnd('Second note.\n');
  await notes.saved();
  await expect.poll(() => seenNotes(page)).toBe(2);

  await discardDatabase(page);
  await notes.open();
  await expect(notice(page)).toContainText('It held 2 notes');
  await expect(page.getByRole('heading', { name: 'Your vault is empty' })).toBeVisible();
  // It stays until the user has read it: a reload does not clear it, nor does the new empty vault.
  await page.reload();
  await expect(notice(page)).toContainText('It held 2 notes');
  await expect(notice(page).getByRole('button', { name: 'Import an export (zip)…' })).toBeVisible();
  await notice(page).getByRole('button', { name: 'Dismiss' }).click();
  await expect(notice(page)).toHaveCount(0);
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Your vault is empty' })).toBeVisible();
  await expect(notice(page)).toHaveCount(0);
});

test('deleting all notes in Settings is not reported as a loss', async ({ page, notes }) => {
  await notes.open();
  await notes.create();
  await notes.typeAtEnd('Soon deleted on purpose.\n');
  await notes.saved();
  await expect.poll(() => seenNotes(page)).toBe(1);

  await page.goto('/settings');
  await page.getByRole('button', { name: 'Delete all notes' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Delete all notes' }).click();
  await expect(page.getByText('All notes were deleted from this device.')).toBeVisible();
  await expect.poll(() => seenNotes(page)).toBe(0);
  await page.reload();
  await notes.open();
  await expect(page.getByRole('heading', { name: 'Your vault is empty' })).toBeVisible();
  await expect(notice(page)).toHaveCount(0);
});

test('a note being typed in when the database is discarded says so, and its text can become a new note', async ({
  page,
  notes,
}) => {
  await notes.open();
  await notes.create();
  await notes.rename('Typed through it');
  await notes.typeAtEnd('Saved before.\n');
  await notes.saved();
  await notes.create();
  await notes.typeAtEnd('Another.\n');
  await notes.saved();
  await page
    .getByRole('navigation', { name: 'Notes' })
    .getByRole('link', { name: /^Typed through it/ })
    .click();
  await expect(notes.text).toHaveValue(/Saved before\.\n$/);
  await expect.poll(() => seenNotes(page)).toBe(2);

  await discardDatabase(page);
  await notes.typeAtEnd('Typed after the loss.\n');
  // Not "deleted for good": nobody deleted it, the browser discarded everything.
  await expect(notes.saveError).toContainText('The browser discarded all of Hearth’s storage');
  await expect(notice(page)).toContainText('It held 2 notes');
  await notes.saveError.getByRole('button', { name: 'Save as a new note' }).click();
  // Clicked with the text focused: the blur's save must not take the button away mid-click.
  await expect(notes.saveError).toHaveCount(0);
  await expect(notes.status).toHaveText('Saved');
  const bodies = await readAll<{ id: string; content: string }>(page, 'bodies');
  expect(bodies.map((b) => b.content)).toEqual([
    expect.stringMatching(/Saved before\.\nTyped after the loss\.\n$/),
  ]);
  await page.reload();
  await expect(page.getByRole('navigation', { name: 'Notes' }).getByRole('link')).toHaveCount(1);
});

test('a database the browser discards under an idle tab is reported there, and the tab still saves', async ({
  page,
  notes,
}) => {
  await notes.open();
  await notes.create();
  await notes.typeAtEnd('Before the discard.\n');
  await notes.saved();
  await expect.poll(() => seenNotes(page)).toBe(1);

  // No reload, no typing: the close itself makes the tab look (the quota e2e's CI run had only
  // one look, which met the closing connection and failed). A look in that moment makes Dexie's
  // reopen fail; the tab must get a connection again rather than fail every later read and save.
  await discardUnderTheApp(page);
  await expect(notice(page)).toContainText('It held 1 note');
  await notes.create();
  await notes.typeAtEnd('After the discard.\n');
  await notes.saved();
  await page.reload();
  await expect(notice(page)).toContainText('It held 1 note');
  await expect(page.getByRole('navigation', { name: 'Notes' }).getByRole('link')).toHaveCount(1);
});
