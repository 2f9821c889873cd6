// Two tabs editing one note at the same time: neither overwrites the other silently. The tabs'
// clock (Playwright's, for the whole context) is held while both type, so tab B's autosave timer
// cannot fire until tab A has saved (A saves by leaving the text box, which needs no timer): the
// overlap a busy machine or a quick typist produces, made deterministic.
import { test, expect } from './fixtures';
import { NotesPage } from './pages/notes-page';
import { readVault } from './pages/import-dialog';
import type { BrowserContext, Page } from '@playwright/test';

/**
 * Opens note `id` in a second tab, then both tabs type over the same version: B's text waits,
 * unsaved, behind the held clock while A types and saves by leaving the text box. Returns tab B.
 */
async function raceTwoTabs(
  context: BrowserContext,
  page: Page,
  notes: NotesPage,
  id: string,
  typed: { a: string; b: string },
): Promise<{ other: Page; tabB: NotesPage }> {
  const other = await context.newPage();
  const tabB = new NotesPage(other);
  await tabB.openNote(id);
  await tabB.saved();
  await context.clock.pauseAt(Date.now() + 1000);
  await tabB.typeAtEnd(typed.b);
  await expect(tabB.status).toHaveText('Unsaved changes');
  await notes.typeAtEnd(typed.a);
  await page.keyboard.press('Tab');
  await notes.saved();
  await context.clock.resume();
  return { other, tabB };
}

test.describe('two tabs', () => {
  test('both texts survive a concurrent edit, the user is told, and can compare and settle', async ({
    page,
    context,
    notes,
  }) => {
    await context.clock.install();
    await notes.open();
    const id = await notes.create();
    await notes.rename('Shared plan');
    await notes.typeAtEnd('Base line.\n');
    await notes.saved();

    // Tab B types; its autosave is held until tab A has saved over the same version.
    const { other, tabB } = await raceTwoTabs(context, page, notes, id, {
      a: 'Written in tab A.\n',
      b: 'Written in tab B.\n',
    });

    // B saved over a newer version: its text is in the note, A's in a conflict copy, B is told.
    await expect(tabB.conflict).toContainText(/kept as Shared plan \(conflict .+\)/);
    await tabB.saved();
    const stored = await readVault(page);
    const note = stored.find((n) => n.id === id);
    const copy = stored.find((n) => n.id !== id);
    expect(stored).toHaveLength(2);
    expect(note?.content).toMatch(/Base line\.\nWritten in tab B\.\n$/);
    expect(copy?.title).toMatch(/^Shared plan \(conflict \d{4}-\d{2}-\d{2} \d{2}\.\d{2}\)$/);
    expect(copy?.content).toMatch(/Base line\.\nWritten in tab A\.\n$/);
    expect(copy?.content).toContain(`title: ${copy?.title}`);

    // Tab A had nothing unsaved, so it follows the note as it is now, and is told that the text
    // it saved went into the copy (not swapped silently on screen).
    await expect(notes.text).toHaveValue(/Base line\.\nWritten in tab B\.\n$/);
    await expect(notes.conflict).toContainText(/your text is kept as Shared plan \(conflict .+\)/);

    // The compare view shows what differs; keeping mine moves the copy to the trash.
    await tabB.conflict.getByRole('button', { name: 'Compare…' }).click();
    const differences = tabB.compareDialog.getByLabel('Differences');
    await expect(differences.locator('ins')).toHaveText(['Written in tab B.\n']);
    await expect(differences.locator('del')).toHaveText(['Written in tab A.\n']);
    await tabB.compareDialog.getByRole('button', { name: 'Keep mine' }).click();
    await expect(tabB.conflict).toHaveCount(0);
    await expect
      .poll(async () => (await readVault(page)).find((n) => n.id === copy?.id)?.deletedAt)
      .toBeGreaterThan(0);

    // The link in the banner led to the copy; it is in the trash now, restorable from there.
    await other.getByRole('link', { name: /^Trash/ }).click();
    await expect(other.getByRole('button', { name: `Restore ${copy?.title}` })).toBeVisible();
  });

  test('keep theirs puts the other text in the note, with undo', async ({
    page,
    context,
    notes,
  }) => {
    await context.clock.install();
    await notes.open();
    const id = await notes.create();
    await notes.typeAtEnd('Shared start.\n');
    await notes.saved();

    const { other, tabB } = await raceTwoTabs(context, page, notes, id, {
      a: 'A wants that.\n',
      b: 'B wants this.\n',
    });

    await tabB.conflict.getByRole('button', { name: 'Compare…' }).click();
    await tabB.compareDialog.getByRole('button', { name: 'Keep theirs' }).click();
    await expect(tabB.text).toHaveValue(/Shared start\.\nA wants that\.\n$/);
    await tabB.saved();
    await expect
      .poll(async () => (await readVault(page)).find((n) => n.id === id)?.content)
      .toMatch(/Shared start\.\nA wants that\.\n$/);
    // B's text is not thrown away: the copy, moved to the trash, holds it now.
    await expect
      .poll(async () => (await readVault(page)).find((n) => n.id !== id)?.deletedAt)
      .toBeGreaterThan(0);
    expect((await readVault(page)).find((n) => n.id !== id)?.content).toMatch(/B wants this\.\n$/);
    // Undo brings B's text back into the note.
    await other.getByRole('button', { name: 'Undo' }).click();
    await expect(tabB.text).toHaveValue(/Shared start\.\nB wants this\.\n$/);
    await tabB.saved();
  });
});
