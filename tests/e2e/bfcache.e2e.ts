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
import { countRecords, readAll } from './idb';
import { generateTinyBert } from '../fixtures/tiny-bert';

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

// The last key's draft write waits behind a save on its way (both take the drafts store), which a
// page frozen and then evicted never finishes: only the copy kept in localStorage at pagehide
// (storage/drafts.ts) carries it. Without that copy, this lost the last key in 2 of 8 runs.
test('text typed while indexing writes its largest batches is all there after a full navigation', async ({
  page,
  notes,
}) => {
  test.setTimeout(patient(300_000));
  // The zero-cost `lookup` model: batches grow to their cap at once, so the memory worker spends
  // nearly all of its time writing large batches of vectors, as a fast model on a real GPU would.
  const modelDir = mkdtempSync(path.join(tmpdir(), 'hearth-bfcache-model-'));
  await generateTinyBert(modelDir, 'lookup');
  const dir = mkdtempSync(path.join(tmpdir(), 'hearth-bfcache-notes-'));
  const noteCount = 600;
  for (let i = 0; i < noteCount; i++) {
    const paragraphs = Array.from(
      { length: 10 },
      (_, p) => `Paragraph ${p} of note ${i}: ${'river stone moss lantern '.repeat(30)}`,
    );
    writeFileSync(path.join(dir, `Note ${i}.md`), `# Note ${i}\n\n${paragraphs.join('\n\n')}\n`);
  }
  await page.goto('/');
  await new MemoryPage(page).importTinyBert(modelDir);
  const dialog = new ImportDialog(page);
  await dialog.importFolder(dir);
  expect((await dialog.report(120_000)).added).toBe(noteCount);
  await dialog.close();
  rmSync(dir, { recursive: true, force: true });
  rmSync(modelDir, { recursive: true, force: true });
  await expect
    .poll(() => countRecords(page, 'vectors'), { timeout: patient(120_000) })
    .toBeGreaterThan(0);

  await page.getByRole('button', { name: 'New note' }).click();
  await expect(page).toHaveURL(/\/notes\/[0-9a-f-]{36}$/);
  const noteUrl = page.url();
  const noteId = noteUrl.slice(noteUrl.lastIndexOf('/') + 1);
  // Key by key, each time until the autosave has begun: every later keystroke's draft is written
  // while a save of the note is on its way, as when someone types slowly. The last key is
  // followed at once by the navigation, so only its draft can carry it.
  const typed = 'every key comes back';
  // Nothing shows if indexing is over before the page leaves: then this test proves nothing. With
  // this many notes left, it outlasts the typing below many times over.
  const queued = (await readAll<{ status: string }>(page, 'jobs')).filter(
    (j) => j.status === 'queued',
  );
  expect(queued.length, 'notes still queued for indexing').toBeGreaterThan(noteCount / 2);
  await notes.text.click();
  await page.keyboard.press('Control+End');
  for (const key of typed.slice(0, -1)) {
    await page.keyboard.type(key);
    await expect(notes.status).toHaveText(/^(Saving…|Saved)$/);
  }
  await page.keyboard.type(typed.slice(-1));
  await mark(page, 'note page');
  await page.goto('/search');
  // A change made here wakes the cached page with a broadcast, and Chromium evicts it for that:
  // coming back loads it afresh, so what it had typed comes back from storage, not from memory.
  await page.getByRole('button', { name: 'New note' }).click();
  await expect(page).toHaveURL(/\/notes\/[0-9a-f-]{36}$/);
  await expect(notes.status).toHaveText('Saved');
  await page.goBack({ waitUntil: 'commit' });
  await expect(page).toHaveURL(/\/search$/);

  await page.goBack({ waitUntil: 'commit' });
  test.info().annotations.push({
    type: 'back',
    description: (await markOf(page)) === 'note page' ? 'restored from the cache' : 'loaded afresh',
  });
  expect(page.url()).toBe(noteUrl);
  await expect(notes.text).toHaveValue(new RegExp(`${typed}$`));
  await expect(notes.status).toHaveText('Saved');
  const bodies = await readAll<{ id: string; content: string }>(page, 'bodies');
  expect(bodies.find((b) => b.id === noteId)?.content).toMatch(new RegExp(`${typed}\\s*$`));
});
