// Storage running out for real: a browser profile on a 12 MB tmpfs (the CDP quota override does
// not change IndexedDB's behaviour here, see FACTS.md). Needs root for `mount`; skipped otherwise.
import { test, expect, guardContext, watchPage, assertGuard, type Guard } from './fixtures';
import { chromium } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { findBrowser, chromiumArgs } from '../../scripts/find-browser.mjs';
import { ImportDialog, countStored, readAttachments, readVault } from './pages/import-dialog';
import { NotesPage } from './pages/notes-page';
import { patient } from './patience';
import { readAll } from './idb';

const bigFileCount = 12;
const bigFileBytes = 1024 * 1024;

function tryMount(dir: string): string | null {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=12m', 'tmpfs', dir], { stdio: 'pipe' });
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

type Page = import('@playwright/test').Page;

/** Runs `scenario` in a browser whose profile lives on a 12 MB tmpfs, with the e2e guard on. */
async function onSmallDisk(
  scenario: (page: Page, filesDir: string) => Promise<void>,
): Promise<void> {
  const mountDir = mkdtempSync(path.join(tmpdir(), 'hearth-quota-mnt-'));
  const filesDir = mkdtempSync(path.join(tmpdir(), 'hearth-quota-files-'));
  const mountError = tryMount(mountDir);
  const why = `needs a small tmpfs (mount as root) to make storage run out: ${mountError}`;
  // CI runs as root and must run this test: there, a failed mount is a failure, not a skip.
  if (mountError !== null && process.env.CI) throw new Error(why);
  test.skip(mountError !== null, why);
  const guard: Guard = { blocked: [], problems: [], allowHosts: new Set(), expectProblems: [] };
  const context = await chromium.launchPersistentContext(path.join(mountDir, 'profile'), {
    executablePath: findBrowser(),
    args: chromiumArgs,
    baseURL: test.info().project.use.baseURL,
  });
  try {
    await guardContext(context, guard);
    const page = context.pages()[0] ?? (await context.newPage());
    watchPage(page, guard);
    await page.goto('/');
    await expect(page.getByRole('button', { name: 'New note' })).toBeVisible();
    await scenario(page, filesDir);
    assertGuard(guard);
  } finally {
    await context.close();
    execFileSync('umount', [mountDir]);
    rmSync(mountDir, { recursive: true, force: true });
    rmSync(filesDir, { recursive: true, force: true });
  }
}

test('a full disk fails the import with a clear message and loses nothing', async () => {
  test.setTimeout(patient(180_000));
  await onSmallDisk(async (page, filesDir) => {
    const dialog = new ImportDialog(page);

    const small = path.join(filesDir, 'small note.md');
    writeFileSync(small, '# Small note\n\nWritten before the disk filled up.\n');
    await dialog.importFiles([small]);
    expect(await dialog.report()).toMatchObject({ added: 1, skipped: 0 });
    await dialog.close();

    // Random base64 is incompressible enough that IndexedDB cannot squeeze it onto the disk.
    const big = Array.from({ length: bigFileCount }, (_, i) => {
      const file = path.join(filesDir, `big-${i}.md`);
      writeFileSync(file, randomBytes((bigFileBytes * 3) / 4).toString('base64'));
      return file;
    });
    await dialog.importFiles(big);
    await expect(dialog.alert).toContainText(/storage for Hearth is full/, {
      timeout: patient(60_000),
    });
    await expect(dialog.alert).toContainText(`none of the ${bigFileCount} files were imported`);
    await expect(dialog.alert).toContainText('vault is unchanged');
    expect(await countStored(page)).toEqual({ notes: 1, bodies: 1 });
    await dialog.close();

    await page.reload();
    await expect(page.getByRole('button', { name: 'New note' })).toBeVisible();
    const stored = await readVault(page);
    expect(stored.map((n) => [n.path, n.content])).toEqual([
      ['small note.md', '# Small note\n\nWritten before the disk filled up.\n'],
    ]);
    await expect(page.getByRole('link', { name: /Small note/ }).first()).toBeVisible();
  });
});

test('a full disk fails a note save with Retry; the typed text stays and saves once space is freed', async () => {
  test.setTimeout(patient(300_000));
  await onSmallDisk(async (page, filesDir) => {
    const notes = new NotesPage(page);
    // Big imported notes take much of the disk; deleting them is how the user frees it.
    const dialog = new ImportDialog(page);
    const bigPaths = Array.from({ length: 3 }, (_, i) => {
      const file = path.join(filesDir, `bulky-${i}.md`);
      writeFileSync(file, randomBytes((bigFileBytes * 3) / 4).toString('base64'));
      return file;
    });
    await dialog.importFiles(bigPaths);
    expect(await dialog.report()).toMatchObject({ added: 3, skipped: 0 });
    await dialog.close();
    const bulky = (await readVault(page)).filter((n) => n.path.startsWith('bulky-'));

    const firstId = await notes.create();
    await notes.rename('Kept safe');
    await notes.typeAtEnd('Saved before the disk filled up.\n');
    await notes.saved();

    // One note grows with incompressible text until the browser refuses to store it. (Creating a
    // note per step could fail at creation instead, before the editor ever saves.)
    const growingId = await notes.create();
    await page.getByRole('button', { name: 'Write' }).click(); // no preview of megabytes
    let lastText = '';
    for (let i = 0; i < 16 && !(await notes.saveError.isVisible()); i++) {
      lastText += randomBytes(768 * 1024).toString('base64');
      await notes.text.fill(lastText);
      await expect(notes.status).toHaveText(/^(Saved|Not saved)$/, { timeout: patient(60_000) });
    }
    await expect(notes.saveError).toContainText(/Couldn't save .+ storage for Hearth is full/);
    await expect(notes.saveError.getByRole('button', { name: 'Retry' })).toBeVisible();
    await expect(notes.status).toHaveText('Not saved');
    // Nothing typed is thrown away: the editor still holds the text that could not be stored.
    expect((await notes.text.inputValue()).length).toBe(lastText.length);

    // Leaving the note asks first, and says where the text is safe: in its draft if the disk had
    // room for that (a draft is one write; a save also rewrites the note), else only in this tab.
    const list = page.getByRole('navigation', { name: 'Notes' });
    const backupFailed = await page
      .getByText(/couldn't keep a backup of (it either|your typing)/)
      .first()
      .isVisible();
    await list.getByRole('link', { name: /^bulky-0/ }).click();
    await expect(notes.leaveDialog).toContainText(
      backupFailed ? 'exists only in this tab' : 'A backup is kept in this browser',
    );
    await notes.leaveDialog.getByRole('button', { name: 'Leave' }).click();
    // The promise holds: a backup said to be kept is in IndexedDB with every character typed.
    if (!backupFailed) {
      const drafts = await readAll<{ noteId: string; content: string }>(page, 'drafts');
      expect(drafts.find((d) => d.noteId === growingId)?.content.length).toBe(lastText.length);
    }

    // Free space: delete the big notes. Moving one to the trash is itself a write, which a full
    // disk can refuse; Hearth then offers to delete it for good, which frees space at once.
    for (const note of bulky) {
      await list.getByRole('link', { name: new RegExp(`^${note.title}`) }).click();
      await expect(notes.text).toBeEnabled();
      await page.getByRole('button', { name: 'Move to trash' }).click();
      const moved = page.getByText(`Moved “${note.title}” to the trash.`);
      const forGood = page.getByRole('button', { name: `Delete “${note.title}” for good` });
      await expect(moved.or(forGood)).toBeVisible();
      if (await forGood.isVisible()) await forGood.click();
      await expect(list.getByRole('link', { name: new RegExp(`^${note.title}`) })).toHaveCount(0);
    }
    await page.getByRole('link', { name: /^Trash/ }).click();
    // On a disk this full the browser may refuse even a delete once; the user then tries again.
    await expect(async () => {
      if (await page.getByRole('button', { name: 'Empty trash' }).isEnabled()) {
        await page.getByRole('button', { name: 'Empty trash' }).click();
        await page.getByRole('button', { name: 'Delete forever' }).click();
      }
      await expect(page.getByRole('heading', { name: 'The trash is empty' })).toBeVisible({
        timeout: patient(5000),
      });
    }).toPass({ timeout: patient(60_000) });

    // Back on the note, its unsaved text is still there, and Retry saves it now.
    await page.getByRole('link', { name: 'Notes', exact: true }).click();
    await list.getByRole('link', { name: /^Untitled/ }).click();
    await page.waitForURL(`**/notes/${growingId}`);
    await expect.poll(async () => (await notes.text.inputValue()).length).toBe(lastText.length);
    // A note left with unsaved text also retries on its own every 15 s; Retry saves at once.
    const retry = notes.saveError.getByRole('button', { name: 'Retry' });
    if (await retry.isVisible()) await retry.click();
    await expect(notes.status).toHaveText('Saved', { timeout: patient(60_000) });
    await expect(notes.saveError).toHaveCount(0);
    expect((await notes.storedContent(growingId))?.length).toBe(lastText.length);

    await page.goto('/');
    await page.getByRole('link', { name: /Kept safe/ }).click();
    await expect(notes.text).toHaveValue(/Saved before the disk filled up\.\n$/);
    expect(await notes.storedContent(firstId)).toMatch(/Saved before the disk filled up\.\n$/);
  });
});

test('a full disk fails an import of attachments as a whole and keeps the vault as it was', async () => {
  test.setTimeout(patient(180_000));
  await onSmallDisk(async (page, filesDir) => {
    const dialog = new ImportDialog(page);
    const note = path.join(filesDir, 'trip.md');
    writeFileSync(note, '# Trip\n\n![[photo-0.jpg]]\n');
    await dialog.importFiles([note]);
    expect(await dialog.report()).toMatchObject({ added: 1, skipped: 0 });
    await dialog.close();

    // Five random 3 MB "photos": incompressible, so 15 MB cannot fit on the 12 MB disk.
    const photos = Array.from({ length: 5 }, (_, i) => {
      const file = path.join(filesDir, `photo-${i}.jpg`);
      writeFileSync(file, Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), randomBytes(3 << 20)]));
      return file;
    });
    await dialog.importFiles(photos);
    await expect(dialog.alert).toContainText(/storage for Hearth is full/, {
      timeout: patient(60_000),
    });
    await expect(dialog.alert).toContainText('none of the 5 files were imported');
    await expect(dialog.alert).toContainText('vault is unchanged');
    await dialog.close();

    await page.reload();
    await expect(page.getByRole('button', { name: 'New note' })).toBeVisible();
    expect(await readAttachments(page)).toEqual([]);
    const stored = await readVault(page);
    expect(stored.map((n) => [n.path, n.content])).toEqual([
      ['trip.md', '# Trip\n\n![[photo-0.jpg]]\n'],
    ]);
  });
});
