// Every hostile bundle the backup issue names, fed to "Restore from backup…" in a real browser:
// each is refused with a message that says what is wrong, no preview is offered, and nothing in
// IndexedDB changes. The bundles are forged in Node (tests/fixtures/bundle-forge.ts), the same
// ones the unit tests refuse.
import { writeFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { readAll } from './idb';
import { findInIndexedDb } from './idb-scan';
import { endSession, freshSession, openSettings } from './pages/backup-session';
import { NotesPage } from './pages/notes-page';
import { patient } from './patience';
import { hostileBundles } from '../fixtures/bundle-forge';

/** The stores a restore writes to (Blob stores aside: their rows are named in these). */
const stores = [
  'notes',
  'bodies',
  'attachments',
  'conversations',
  'messages',
  'chatAttachments',
  'chatAttachmentDocs',
  'memories',
  'drafts',
  'settings',
  'requests',
  'models',
  'chunks',
  'vectors',
  'indexBlocks',
];

async function snapshot(page: Page) {
  return Object.fromEntries(
    await Promise.all(stores.map(async (store) => [store, await readAll(page, store)] as const)),
  );
}

test('every hostile bundle is refused with its reason, and nothing is written', async ({
  browser,
}, testInfo) => {
  test.setTimeout(patient(240_000));
  const hostile = await hostileBundles();
  const session = await freshSession(browser);
  const { page } = session;
  const notes = new NotesPage(page);
  await notes.create();
  await notes.typeAtEnd('Written here first.');
  await notes.text.blur();
  await notes.saved();
  const before = await snapshot(page);
  expect(before.notes).toHaveLength(1);

  await openSettings(page);
  await page.getByRole('button', { name: 'Restore from backup…' }).click();
  const dialog = page.getByTestId('restore-dialog');
  for (const { what, file, blob, refusal } of hostile) {
    const at = testInfo.outputPath(file);
    writeFileSync(at, new Uint8Array(await blob.arrayBuffer()));
    await dialog.getByTestId('restore-file').setInputFiles(at);
    await expect(dialog.getByTestId('restore-error'), what).toContainText(refusal, {
      timeout: patient(30_000),
    });
    await expect(dialog.getByTestId('restore-counts'), what).toHaveCount(0);
  }

  expect(await snapshot(page)).toEqual(before);
  // The sample's own words are nowhere, in any store of any database.
  for (const words of ['The user is vegetarian.', 'Hb 14 g/dL', 'bloodwork.pdf'])
    expect(await findInIndexedDb(page, words), words).toEqual([]);
  await endSession(session);
});
