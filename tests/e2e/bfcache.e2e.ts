// The back/forward cache (issue 13): Playwright launches Chromium with it turned off, so this file
// turns it back on. A page frozen there with work in flight (the semantic index writing, a note
// saved at unload) must not stall the page that replaces it, nor the page when it comes back.
// (The memory worker stops on pagehide for this reason: src/lib/search/memory-client.ts.)
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { findBrowser, chromiumArgs } from '../../scripts/find-browser.mjs';
import { MemoryPage } from './pages/memory-page';
import { ImportDialog } from './pages/import-dialog';
import { patient } from './patience';

test.use({
  launchOptions: {
    executablePath: findBrowser(),
    args: chromiumArgs,
    ignoreDefaultArgs: ['--disable-back-forward-cache'],
  },
});

/** Marks this document: the mark survives only a restore from the back/forward cache. */
const mark = (page: Page, name: string) =>
  page.evaluate((n) => ((window as unknown as { hearthMark?: string }).hearthMark = n), name);
const markOf = (page: Page) =>
  page.evaluate(() => (window as unknown as { hearthMark?: string }).hearthMark ?? null);

test('back and forward through the back/forward cache while indexing, then notes still save', async ({
  page,
  notes,
}) => {
  test.setTimeout(patient(180_000));
  const dir = mkdtempSync(path.join(tmpdir(), 'hearth-bfcache-'));
  for (let i = 0; i < 60; i++)
    writeFileSync(
      path.join(dir, `Note ${i}.md`),
      `# Note ${i}\n\n${'river stone '.repeat(300)}${i}\n`,
    );
  await page.goto('/');
  // An embedding model makes the memory worker index the notes: work in flight at every move.
  await new MemoryPage(page).importTinyBert();
  const dialog = new ImportDialog(page);
  await dialog.importFolder(dir);
  await dialog.close();
  rmSync(dir, { recursive: true, force: true });

  // No page load waits below: a page restored from the cache fires no load event.
  await page.getByRole('button', { name: 'New note' }).click();
  await expect(page).toHaveURL(/\/notes\/[0-9a-f-]{36}$/);
  const noteUrl = page.url();
  await notes.typeAtEnd('typed before leaving\n');
  await mark(page, 'note page');
  await page.goto('/search');
  await expect(page.getByRole('button', { name: 'New note' })).toBeVisible();
  await mark(page, 'search page');

  // Chromium evicts a cached page that an event would have woken (another page's broadcast of a
  // change: reason "IgnoreEventAndEvict"), and then loads it afresh. Most runs restore it; either
  // way the note must be there and save at once. The annotation says which it was.
  await page.goBack({ waitUntil: 'commit' });
  test.info().annotations.push({
    type: 'back',
    description: (await markOf(page)) === 'note page' ? 'restored from the cache' : 'loaded afresh',
  });
  expect(page.url()).toBe(noteUrl);
  await expect(notes.text).toHaveValue(/typed before leaving/);
  await notes.typeAtEnd('typed after coming back\n');
  await expect(notes.status).toHaveText('Saved');

  // Chromium may drop the search page from the cache (it holds the database too): either way,
  // the page shown must work at once.
  await page.goForward({ waitUntil: 'commit' });
  await expect(page).toHaveURL(/\/search$/);
  await page.getByRole('button', { name: 'New note' }).click();
  await expect(page).toHaveURL(/\/notes\/[0-9a-f-]{36}$/);
  await notes.typeAtEnd('a new note after going forward\n');
  await expect(notes.status).toHaveText('Saved');
});
