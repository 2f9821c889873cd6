// Obsidian-flavoured Markdown in the real app: callouts that fold from the keyboard, embeds (a
// section, a loop, a missing note, live updates), links that land at a heading, highlights, tags
// that filter search, hidden comments, task lists, and attachments imported with a vault shown
// from their stored bytes (object URLs revoked when the note closes). The fixture fails the test
// on any CSP violation or request off localhost, so a remote image in a note must stay unloaded.
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures';
import type { NotesPage } from './pages/notes-page';
import { SearchPage } from './pages/search-page';
import { ImportDialog } from './pages/import-dialog';
import { readAll } from './idb';
import { patient } from './patience';

/** Creates a note through the UI with this title and body; returns its id. */
async function writeNote(notes: NotesPage, title: string, body: string): Promise<string> {
  const id = await notes.create();
  await notes.text.fill(`---\ntitle: ${title}\n---\n\n${body}`);
  await notes.saved();
  await expect(notes.title).toHaveValue(title);
  return id;
}

async function openNote(page: Page, id: string): Promise<void> {
  await page.goto(`/notes/${id}`);
  await expect(page.getByTestId('save-status')).toHaveText('Saved');
}

test.describe('Obsidian Markdown in the preview', () => {
  test('callouts fold from the keyboard; highlights, tags, comments and tasks render', async ({
    page,
    notes,
  }) => {
    await notes.open();
    const id = await writeNote(
      notes,
      'Field notes',
      [
        '> [!warning] Mind the gap',
        '> Between the train and the platform.',
        '',
        '> [!tip]- Folded tip',
        '> Only seen when opened.',
        '',
        'A ==bright== idea filed under #garden/roses.',
        '',
        'Shown %%secret aside%% text.',
        '',
        '%%',
        'A hidden block.',
        '%%',
        '',
        '- [ ] water the roses',
        '- [x] buy soil',
      ].join('\n'),
    );
    const preview = notes.preview;

    const warning = preview.locator('.callout[data-callout="warning"]');
    await expect(warning.locator('.callout-title')).toHaveText('Mind the gap');
    await expect(warning).toContainText('Between the train and the platform.');

    const folded = preview.locator('details.callout[data-callout="tip"]');
    const summary = folded.locator('summary');
    await expect(summary).toHaveText('Folded tip');
    await expect(folded.getByText('Only seen when opened.')).toBeHidden();
    await summary.focus();
    await page.keyboard.press('Enter');
    await expect(folded).toHaveAttribute('open', '');
    await expect(folded.getByText('Only seen when opened.')).toBeVisible();
    await page.keyboard.press('Space');
    await expect(folded).not.toHaveAttribute('open');
    // Opened by the reader, it stays open while the note is edited and rendered again.
    await page.keyboard.press('Enter');
    await expect(folded).toHaveAttribute('open', '');
    await notes.typeAtEnd('\n\nEdited after opening.');
    await expect(preview).toContainText('Edited after opening.');
    await expect(folded).toHaveAttribute('open', '');

    await expect(preview.locator('mark')).toHaveText('bright');
    await expect(preview).toContainText('Shown  text.');
    await expect(preview).not.toContainText('secret aside');
    await expect(preview).not.toContainText('A hidden block.');

    const boxes = preview.getByRole('checkbox');
    await expect(boxes).toHaveCount(2);
    await expect(boxes.nth(0)).not.toBeChecked();
    await expect(boxes.nth(1)).toBeChecked();
    await expect(boxes.nth(1)).toBeDisabled();
    // The stored text is untouched by rendering.
    expect(await notes.storedContent(id)).toContain('%%secret aside%%');

    // The inline tag is one of the note's tags, and its chip opens search filtered by it.
    const search = new SearchPage(page);
    await preview.getByRole('link', { name: '#garden/roses' }).click();
    await page.waitForURL('**/search?q=%23garden%2Froses');
    await expect(search.input).toHaveValue('#garden/roses');
    await expect(search.tag).toHaveValue('garden/roses');
    await expect(search.results).toHaveCount(1);
    await expect(search.results.first()).toContainText('Field notes');
  });

  test('embeds show a section, stop at a loop, update live, and heading links land', async ({
    page,
    context,
    notes,
  }) => {
    await notes.open();
    const filler = Array.from({ length: 60 }, (_, i) => `Line ${i} of filler text.`).join('\n\n');
    const recipesId = await writeNote(
      notes,
      'Recipes',
      `# Recipes\n\n## Soup\n\nBoil water.\n\n## Bread\n\n${filler}\n\n## Cake\n\nThe cake is at the end.`,
    );
    await writeNote(notes, 'Loop A', 'A says hi.\n\n![[Loop B]]');
    await writeNote(notes, 'Loop B', 'B says hi.\n\n![[Loop A]]');
    const mainId = await writeNote(
      notes,
      'Main',
      [
        'Start.',
        '![[Recipes#Soup]]',
        '',
        '![[Loop A]]',
        '',
        '![[Nowhere]]',
        '',
        'Go to [[Recipes#Cake|the cake]].',
      ].join('\n'),
    );
    const preview = notes.preview;

    const soup = preview.locator('.embed').first();
    await expect(soup.locator('.embed-title')).toHaveText('Recipes › Soup');
    await expect(soup.locator('.embed-content')).toContainText('Boil water.');
    await expect(soup.locator('.embed-content')).not.toContainText('filler');
    // Soup, Loop A, and Loop B inside it; Loop B's own embed of Loop A is the loop notice.
    await expect(preview.locator('.embed')).toHaveCount(3);
    await expect(preview.locator('.embed .embed .embed-content')).toContainText('B says hi.');
    await expect(preview.locator('[data-embed-state="loop"]')).toContainText(
      'Embed loop: “Loop A” is already shown above',
    );
    await expect(preview.locator('[data-embed-state="missing"]')).toHaveText(
      '“Nowhere” is not in the vault',
    );

    // Another tab edits the embedded note: this preview follows without a reload.
    const other = await context.newPage();
    await openNote(other, recipesId);
    const otherText = other.getByRole('textbox', { name: 'Note text' });
    await otherText.fill(
      (await otherText.inputValue()).replace('Boil water.', 'Boil salted water.'),
    );
    await expect(other.getByTestId('save-status')).toHaveText('Saved');
    await other.close();
    await expect(soup.locator('.embed-content')).toContainText('Boil salted water.');

    // The heading link opens the note scrolled to that heading, in both panes.
    await preview.getByRole('link', { name: 'the cake' }).click();
    await page.waitForURL(`**/notes/${recipesId}?heading=Cake`);
    await expect(notes.title).toHaveValue('Recipes');
    const cake = preview.getByRole('heading', { name: 'Cake' });
    await expect(cake).toBeInViewport();
    await expect(preview.getByRole('heading', { name: 'Soup' })).not.toBeInViewport();
    const textTop = await notes.text.evaluate((t) => t.scrollTop);
    expect(textTop).toBeGreaterThan(0);

    await page.goBack();
    await page.waitForURL(`**/notes/${mainId}`);
    await expect(preview.locator('.embed').first()).toContainText('Boil salted water.');
  });
});

test('notes stored before inline tags counted get them at the next start', async ({
  page,
  notes,
}) => {
  await notes.open();
  const id = await writeNote(notes, 'Old note', 'Written long ago about #heirloom/tomatoes.');
  // Make it look as an older Hearth stored it: frontmatter tags only, and no re-derive done yet.
  await page.evaluate(async (noteId) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('hearth');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(new Error('IndexedDB did not open'));
    });
    await new Promise<void>((resolve, reject) => {
      const tx = db.transaction(['notes', 'meta'], 'readwrite');
      const notesStore = tx.objectStore('notes');
      const get = notesStore.get(noteId);
      get.onsuccess = () => notesStore.put({ ...get.result, tags: [] });
      tx.objectStore('meta').delete('derived-tags-version');
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(new Error('IndexedDB write failed'));
    });
    db.close();
  }, id);
  const tagsOf = async () =>
    (await readAll<{ id: string; tags: string[] }>(page, 'notes')).find((n) => n.id === id)?.tags;
  expect(await tagsOf()).toEqual([]);

  await page.reload();
  await expect.poll(tagsOf, { timeout: patient(30_000) }).toEqual(['heirloom/tomatoes']);
  const search = new SearchPage(page);
  await search.open();
  await expect(search.tag.locator('option', { hasText: 'heirloom/tomatoes' })).toHaveCount(1);
});

// A tiny vault written to disk and imported as a folder: a note that embeds a PNG (twice, once
// sized), a photo by a relative, URL-encoded Markdown path, a PDF, a WAV, and a remote image.
const png1x1 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

/** 0.1 s of silence, 8 kHz 8-bit mono: a real WAV the browser can play. */
function silentWav(): Buffer {
  const samples = 800;
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + samples, 4);
  header.write('WAVEfmt ', 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(8000, 24);
  header.writeUInt32LE(8000, 28);
  header.writeUInt16LE(1, 32);
  header.writeUInt16LE(8, 34);
  header.write('data', 36);
  header.writeUInt32LE(samples, 40);
  return Buffer.concat([header, Buffer.alloc(samples, 128)]);
}

const pdfBytes = Buffer.from(
  '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n',
  'latin1',
);

test('attachments imported with a vault show from their stored bytes', async ({ page, notes }) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'hearth-markdown-'));
  const root = path.join(dir, 'garden');
  try {
    for (const sub of ['notes', 'assets', 'docs'])
      mkdirSync(path.join(root, sub), { recursive: true });
    writeFileSync(path.join(root, 'assets', 'cat.png'), png1x1);
    writeFileSync(path.join(root, 'assets', 'My photo.png'), png1x1);
    writeFileSync(path.join(root, 'docs', 'report.pdf'), pdfBytes);
    writeFileSync(path.join(root, 'memo.wav'), silentWav());
    writeFileSync(
      path.join(root, 'notes', 'Photos.md'),
      [
        '# Photos',
        '',
        '![[cat.png]]',
        '',
        'Small: ![[cat.png|120]] and ![my photo](../assets/My%20photo.png)',
        '',
        '![[report.pdf]]',
        '',
        '![[memo.wav]]',
        '',
        '![remote](https://tracker.example/pixel.png)',
      ].join('\n'),
    );

    await notes.open();
    const importer = new ImportDialog(page);
    await importer.importFolder(root);
    await importer.report();
    await importer.close();

    await page.getByRole('link', { name: 'Photos' }).first().click();
    const preview = notes.preview;
    const images = preview.locator('img.attachment-image');
    await expect(images).toHaveCount(3);
    for (const img of await images.all()) {
      await expect(img).toHaveAttribute('src', /^blob:/);
      // Decoded from the stored bytes: the browser knows its real size.
      await expect.poll(() => img.evaluate((i: HTMLImageElement) => i.naturalWidth)).toBe(1);
    }
    await expect(images.nth(1)).toHaveAttribute('width', '120');
    await expect(images.nth(2)).toHaveAttribute('alt', 'my photo');

    const pdf = preview.locator('a.attachment-link');
    await expect(pdf).toHaveText('report.pdf');
    await expect(pdf).toHaveAttribute('download', 'report.pdf');
    // Clicking it downloads the stored bytes under the file's name.
    const [download] = await Promise.all([page.waitForEvent('download'), pdf.click()]);
    expect(download.suggestedFilename()).toBe('report.pdf');
    const saved = await download.path();
    expect(readFileSync(saved).equals(pdfBytes)).toBe(true);

    const audio = preview.locator('audio');
    await expect(audio).toHaveAttribute('src', /^blob:/);
    await expect
      .poll(() => audio.evaluate((a: HTMLAudioElement) => a.duration), { timeout: patient(10_000) })
      .toBeGreaterThan(0);

    const remote = preview.getByRole('img', { name: /remote/ });
    await expect(remote).not.toHaveAttribute('src');

    // Leaving the note revokes its object URLs: the image no longer loads from its URL.
    const imageUrl = (await images.first().getAttribute('src')) ?? '';
    const loads = (url: string) =>
      page.evaluate(
        (src) =>
          new Promise<boolean>((resolve) => {
            const probe = new Image();
            probe.onload = () => resolve(true);
            probe.onerror = () => resolve(false);
            probe.src = src;
          }),
        url,
      );
    expect(await loads(imageUrl)).toBe(true);
    await page.getByRole('button', { name: 'New note' }).click();
    await expect(preview.locator('img')).toHaveCount(0);
    expect(await loads(imageUrl)).toBe(false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
