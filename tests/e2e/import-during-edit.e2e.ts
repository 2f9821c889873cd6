// A re-import that changes a note while the user has unsaved text in it: both texts survive. The
// import runs from a second tab (in the editor's own tab, opening the import dialog moves the
// focus, and leaving the text box saves first). The tabs' clock is held while the user types, so
// the editor's autosave runs after the import has landed; the import itself runs in the vault
// worker, which needs no timer.
import { test, expect } from './fixtures';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ImportDialog, readVault } from './pages/import-dialog';

test.describe('import during an edit', () => {
  let workDir: string;
  test.beforeAll(() => {
    workDir = mkdtempSync(path.join(tmpdir(), 'hearth-import-edit-'));
  });
  test.afterAll(() => rmSync(workDir, { recursive: true, force: true }));

  test('the imported text and the typed text both survive, and the user is told', async ({
    page,
    context,
    notes,
  }) => {
    const folder = path.join(workDir, 'garden');
    mkdirSync(folder);
    const file = path.join(folder, 'beds.md');
    writeFileSync(file, '# Beds\n\nTomatoes by the wall.\n');

    await context.clock.install();
    await notes.open();
    const dialog = new ImportDialog(page);
    await dialog.importFolder(folder);
    expect(await dialog.report()).toMatchObject({ added: 1 });
    await dialog.close();
    const id = (await readVault(page)).find((n) => n.path === 'garden/beds.md')!.id;
    await notes.openNote(id);
    await expect(notes.text).toHaveValue('# Beds\n\nTomatoes by the wall.\n');

    const other = await context.newPage();
    const otherDialog = new ImportDialog(other);
    await other.goto('/');
    await expect(other.getByRole('button', { name: 'New note' })).toBeVisible();

    // The user types; before the editor saves, the file changed on disk is imported again.
    await context.clock.pauseAt(Date.now() + 1000);
    await notes.typeAtEnd('Typed while the import ran.\n');
    await expect(notes.status).toHaveText('Unsaved changes');
    writeFileSync(file, '# Beds\n\nTomatoes by the wall.\nBeans on the new trellis.\n');
    await otherDialog.importFolder(folder);
    expect(await otherDialog.report()).toMatchObject({ updated: 1 });
    await otherDialog.close();
    await expect(notes.status).toHaveText('Unsaved changes');
    await context.clock.resume();

    await expect(notes.conflict).toContainText(/kept as Beds \(conflict .+\)/);
    await notes.saved();
    const stored = await readVault(page);
    expect(stored).toHaveLength(2);
    expect(stored.find((n) => n.id === id)?.content).toBe(
      '# Beds\n\nTomatoes by the wall.\nTyped while the import ran.\n',
    );
    const copy = stored.find((n) => n.id !== id);
    expect(copy?.path).toMatch(/^garden\/Beds \(conflict .+\)\.md$/);
    expect(copy?.content).toContain('Tomatoes by the wall.\nBeans on the new trellis.\n');

    // Importing the same file again leaves the user's text alone: it is an edit made in Hearth.
    await otherDialog.importFolder(folder);
    expect(await otherDialog.report()).toMatchObject({ added: 0, updated: 0, unchanged: 1 });
    await otherDialog.close();
    expect((await readVault(page)).find((n) => n.id === id)?.content).toContain(
      'Typed while the import ran.',
    );
  });
});
