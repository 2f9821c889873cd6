import { test, expect } from './fixtures';
import { readFileSync } from 'node:fs';
import { strFromU8, unzipSync } from 'fflate';
import { NotesPage } from './pages/notes-page';
import { readVault } from './pages/import-dialog';

test.describe('notes', () => {
  test('shows an empty state, then creates, edits and keeps a note across reloads', async ({
    page,
    notes,
  }) => {
    await notes.open();
    await expect(page.getByRole('heading', { name: 'Your vault is empty' })).toBeVisible();
    const id = await notes.create();
    await notes.rename('Groceries');
    await notes.typeAtEnd('- oat milk\n- lentils\n');
    await notes.saved();
    await expect(notes.preview.getByRole('listitem')).toHaveText(['oat milk', 'lentils']);
    await page.reload();
    await expect(notes.text).toHaveValue(/- oat milk\n- lentils\n$/);
    await expect(notes.title).toHaveValue('Groceries');
    await expect(
      page.getByRole('navigation', { name: 'Notes' }).getByRole('link', { name: /Groceries/ }),
    ).toBeVisible();
    expect(await notes.storedContent(id)).toContain('title: Groceries');
    await expect(page.getByTestId('note-count')).toHaveText('1 notes');
  });

  test('keeps every keystroke when the tab closes mid-typing', async ({ page, context, notes }) => {
    await notes.open();
    const id = await notes.create();
    await notes.typeAtEnd('first line\n');
    await notes.saved();
    // Type, then close at once: no time for the debounced save to run.
    await notes.text.pressSequentially('typed just before closing', { delay: 5 });
    await page.close({ runBeforeUnload: false });

    const again = await context.newPage();
    await again.goto(`/notes/${id}`);
    const text = again.getByRole('textbox', { name: 'Note text' });
    await expect(text).toHaveValue(/first line\ntyped just before closing$/);
    await expect(again.getByTestId('save-status')).toHaveText('Saved');
    // The recovered draft is also in IndexedDB now, not only in the editor.
    await expect
      .poll(async () =>
        (await new NotesPage(again).storedContent(id))?.endsWith('typed just before closing'),
      )
      .toBe(true);
  });

  test('keeps a draft of any size in IndexedDB when the tab closes right after typing', async ({
    page,
    context,
    notes,
  }) => {
    await notes.open();
    const id = await notes.create();
    // 1.2 M characters: more than the old localStorage drafts would take. (No preview to render.)
    await page.getByRole('button', { name: 'Write' }).click();
    const big = `${'All work and no play. '.repeat(55_000)}\nthe very end`;
    await notes.text.fill(big);
    await page.close({ runBeforeUnload: false });

    const again = await context.newPage();
    const reopened = new NotesPage(again);
    await reopened.openNote(id);
    await reopened.saved();
    const text = await reopened.text.inputValue();
    expect(text.length).toBe(big.length);
    expect(text.endsWith('\nthe very end')).toBe(true);
    expect(
      await again.evaluate(() => Object.keys(localStorage).filter((k) => k.includes('draft'))),
    ).toEqual([]);
    expect((await reopened.storedContent(id))?.length).toBe(big.length);
  });

  test('export saves the last keystrokes first', async ({ page, context, notes }) => {
    // The clock is held after typing, so the autosave cannot run before the export.
    await context.clock.install();
    await notes.open();
    const id = await notes.create();
    await context.clock.pauseAt(Date.now() + 1000);
    await notes.typeAtEnd('Typed a moment before the export.');
    await expect(notes.status).toHaveText('Unsaved changes');
    const download = page.waitForEvent('download');
    await page.keyboard.press('Alt+E');
    const zip = unzipSync(readFileSync(await (await download).path()));
    const path = (await readVault(page)).find((n) => n.id === id)?.path ?? '';
    expect(strFromU8(zip[path]!)).toMatch(/Typed a moment before the export\.$/);
  });

  test('a failed save stays on screen, leaving asks first, closing warns, and nothing is lost', async ({
    page,
    context,
    notes,
  }) => {
    await notes.open();
    const id = await notes.create();
    await notes.rename('Doomed');
    await notes.typeAtEnd('Written before.\n');
    await notes.saved();

    // Another tab deletes the note for good while this one still has it open.
    const other = await context.newPage();
    const otherNotes = new NotesPage(other);
    await otherNotes.openNote(id);
    await other.getByRole('button', { name: 'Move to trash' }).click();
    await other.getByRole('link', { name: /^Trash/ }).click();
    await other.getByRole('button', { name: 'Empty trash' }).click();
    await other.getByRole('button', { name: 'Delete forever' }).click();
    await expect(other.getByRole('heading', { name: 'The trash is empty' })).toBeVisible();

    await notes.typeAtEnd('Typed after it was deleted.\n');
    await expect(notes.status).toHaveText('Not saved');
    await expect(notes.saveError).toContainText('no longer exists');

    // Leaving asks; staying keeps the text where it was.
    await page.getByRole('link', { name: /^Trash/ }).click();
    await expect(notes.leaveDialog).toBeVisible();
    await notes.leaveDialog.getByRole('button', { name: 'Stay' }).click();
    await expect(notes.leaveDialog).toBeHidden();
    expect(notes.noteId()).toBe(id);
    await expect(notes.text).toHaveValue(/Written before\.\nTyped after it was deleted\.\n$/);

    // Closing the tab asks the browser to warn.
    const warned = page.waitForEvent('dialog');
    await page.close({ runBeforeUnload: true });
    const dialog = await warned;
    expect(dialog.type()).toBe('beforeunload');
    await dialog.dismiss();

    // The way out: keep the text as a new note.
    await notes.saveError.getByRole('button', { name: 'Save as a new note' }).click();
    await page.waitForURL((url) => !url.pathname.endsWith(id));
    await notes.saved();
    expect(await notes.storedContent(notes.noteId())).toMatch(
      /title: Doomed[\s\S]*Written before\.\nTyped after it was deleted\.\n$/,
    );
  });

  test('tags a note through the frontmatter and keeps other frontmatter intact', async ({
    page,
    notes,
  }) => {
    await notes.open();
    const id = await notes.create();
    await notes.text.fill('---\ntitle: Plan\n# keep this comment\nauthor: me\n---\n\nBody\n');
    await notes.saved();
    await notes.tags.fill('work, q4');
    await notes.tags.press('Tab');
    await notes.saved();
    expect(await notes.storedContent(id)).toBe(
      '---\ntitle: Plan\n# keep this comment\nauthor: me\ntags: [work, q4]\n---\n\nBody\n',
    );
    await page.reload();
    await expect(notes.tags).toHaveValue('work, q4');
  });

  test('moves a note to the trash with undo, restores it, and empties the trash explicitly', async ({
    page,
    notes,
  }) => {
    await notes.open();
    await notes.create();
    await notes.rename('Disposable');
    await page.getByRole('button', { name: 'Move to trash' }).click();
    await page.getByRole('button', { name: 'Undo' }).click();
    await expect(
      page.getByRole('navigation', { name: 'Notes' }).getByRole('link', { name: /Disposable/ }),
    ).toBeVisible();

    await page.getByRole('button', { name: 'Move to trash' }).click();
    await expect(
      page.getByRole('navigation', { name: 'Notes' }).getByRole('link', { name: /Disposable/ }),
    ).toHaveCount(0);
    await page.getByRole('link', { name: /^Trash/ }).click();
    await page.getByRole('button', { name: 'Restore Disposable' }).click();
    await expect(page.getByRole('heading', { name: 'The trash is empty' })).toBeVisible();

    await page.getByRole('link', { name: 'Notes', exact: true }).click();
    await page.getByRole('link', { name: /Disposable/ }).click();
    await page.getByRole('button', { name: 'Move to trash' }).click();
    await page.getByRole('link', { name: /^Trash/ }).click();
    await page.getByRole('button', { name: 'Empty trash' }).click();
    await page.getByRole('button', { name: 'Delete forever' }).click();
    await expect(page.getByRole('heading', { name: 'The trash is empty' })).toBeVisible();
    await page.getByRole('link', { name: 'Notes', exact: true }).click();
    await expect(page.getByRole('heading', { name: 'Your vault is empty' })).toBeVisible();
  });

  test('follows a wikilink to an existing note and creates a missing one on click', async ({
    page,
    notes,
  }) => {
    await notes.open();
    const targetId = await notes.create();
    await notes.rename('Project Atlas');
    await notes.create();
    await notes.rename('Index');
    await notes.typeAtEnd('See [[Project Atlas]] and [[Brand New Idea|a new idea]].\n');
    await notes.saved();

    await notes.preview.getByRole('link', { name: 'Project Atlas' }).click();
    await page.waitForURL(`**/notes/${targetId}`);
    await expect(notes.title).toHaveValue('Project Atlas');

    // The resolver replaced its own history entry, so one step back is the linking note.
    await page.goBack();
    await expect(notes.title).toHaveValue('Index');
    await notes.preview.getByRole('link', { name: 'a new idea' }).click();
    await expect(notes.title).toHaveValue('Brand New Idea');
    expect(notes.noteId()).not.toBe(targetId);
    await expect(page.getByTestId('note-count')).toHaveText('3 notes');
  });

  test('the main actions work from the keyboard', async ({ page, notes }) => {
    // The native folder dialog cannot be driven: count that Alt+I opens it, then close it.
    await page.addInitScript(() => {
      const w = window as unknown as {
        pickerOpened: number;
        showDirectoryPicker: () => Promise<never>;
      };
      w.pickerOpened = 0;
      w.showDirectoryPicker = () => {
        w.pickerOpened++;
        return Promise.reject(new DOMException('closed', 'AbortError'));
      };
    });
    await notes.open();
    await page.keyboard.press('Alt+I');
    expect(
      await page.evaluate(() => (window as unknown as { pickerOpened: number }).pickerOpened),
    ).toBe(1);
    await page.keyboard.press('Alt+N');
    await page.waitForURL(/\/notes\//);
    await page.keyboard.press('Control+K');
    await page.waitForURL(/\/search/);
    await page.keyboard.press('Alt+J');
    await page.waitForURL(/\/journal\/\d{4}-\d{2}-\d{2}$/);
    const download = page.waitForEvent('download');
    await page.keyboard.press('Alt+E');
    expect((await download).suggestedFilename()).toMatch(/^hearth-export-\d{4}-\d{2}-\d{2}\.zip$/);
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press('?');
    await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible();
  });
});
