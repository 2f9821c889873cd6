// Journal reflection in real Chromium: journal entries imported from a generated folder, the tiny
// Llama imported through the Models page (random weights: the words are gibberish, so the tests
// check which sources were read, what was saved and that the entry stayed byte for byte the same),
// a reflection streamed in the side panel, saved as its own linked note; a weekly review; the
// editable instructions in Settings.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Locator, Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { importTinyLlama } from './pages/chat-page';
import { ImportDialog, readVault, type StoredNote } from './pages/import-dialog';
import { SearchPage } from './pages/search-page';
import { MemoryPage } from './pages/memory-page';
import { readAll } from './idb';
import { patient } from './patience';

const ENTRY = '2026-03-18';
/** Day → text. 03-10 is eight days before and shares no word with the entry: never a source. */
const ENTRIES: Record<string, string> = {
  [ENTRY]: '# Wednesday\n\nSlept badly again. The garden tomatoes need water.\n',
  '2025-03-18': '# A year ago\n\nPlanted seedlings by the shed.\n',
  '2026-03-17': '# Tuesday\n\nLong walk by the river.\n',
  '2026-03-15': '# Sunday\n\nLunch with Mara.\n',
  '2026-03-10': '# Tuesday before\n\nQuiet office day.\n',
  '2026-03-05': '# Early March\n\nBought tomatoes seeds for later.\n',
};

const file = (day: string, text: string) => `---\nkind: journal\ndate: ${day}\n---\n\n${text}`;

let root: string;
test.beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'hearth-reflect-'));
  mkdirSync(path.join(root, 'journal'));
  for (const [day, text] of Object.entries(ENTRIES)) {
    writeFileSync(path.join(root, 'journal', `${day}.md`), file(day, text));
  }
});
test.afterAll(() => rmSync(root, { recursive: true, force: true }));

async function importJournal(page: Page): Promise<void> {
  await page.goto('/');
  await expect(page.getByRole('button', { name: 'New note' })).toBeVisible();
  const dialog = new ImportDialog(page);
  await dialog.importFolder(path.join(root, 'journal'));
  const count = Object.keys(ENTRIES).length;
  expect(await dialog.report()).toEqual({ added: count, updated: 0, unchanged: 0, skipped: 0 });
  await dialog.close();
  // The keyword index catches up in the background; a user searching would wait for it too.
  const search = new SearchPage(page);
  await search.open('tomatoes');
  await search.expectCount(2);
}

const noteAt = async (page: Page, at: string): Promise<StoredNote | undefined> =>
  (await readVault(page)).find((n) => n.path === at);

class ReflectionPanel {
  readonly panel: Locator;
  readonly status: Locator;
  readonly sources: Locator;
  readonly save: Locator;

  constructor(readonly page: Page) {
    this.panel = page.getByTestId('reflection-panel');
    this.status = this.panel.getByTestId('reflection-status');
    this.sources = this.panel.getByTestId('reflection-source');
    // "Save", then "Saved" (disabled) once saved.
    this.save = this.panel.getByRole('button', { name: /^Saved?$/ });
  }

  /** Waits until the run ends and checks it ended as `phase` (a failure shows its message). */
  async waitFor(phase: string): Promise<void> {
    await expect(this.status).toHaveAttribute('data-phase', /^(done|stopped|error)$/, {
      timeout: patient(90_000),
    });
    const ended = await this.status.getAttribute('data-phase');
    const error = ended === 'error' ? await this.panel.getByRole('alert').textContent() : '';
    expect(`${ended} ${error}`.trim()).toBe(phase);
  }

  /** Each source as `date reason`, in [n] order. */
  async list(): Promise<string[]> {
    return this.sources.evaluateAll((items) =>
      items.map((li) => `${li.getAttribute('data-date')} ${li.getAttribute('data-reason')}`),
    );
  }
}

test.describe('journal reflection', () => {
  // The patience fixture stretches this by the load; stretching it here too squared the factor.
  test.describe.configure({ timeout: 240_000 });

  test('Reflect reads the entry, the same day last year, the last 7 days and a similar entry; Save links back and leaves the entry untouched', async ({
    page,
  }) => {
    await importTinyLlama(page, 48);
    await importJournal(page);
    const entryBefore = await noteAt(page, `journal/${ENTRY}.md`);
    expect(entryBefore?.kind).toBe('journal');

    await page.goto(`/journal/${ENTRY}`);
    await expect(page.getByRole('textbox', { name: 'Note text' })).toHaveValue(/tomatoes/);
    await page.getByRole('button', { name: 'Reflect', exact: true }).click();
    const reflect = new ReflectionPanel(page);
    await expect(reflect.panel.getByRole('heading', { level: 2 })).toHaveText(
      'Reflection on Wednesday',
    );
    await reflect.waitFor('done');
    await expect(reflect.panel.getByTestId('reflection-text')).not.toBeEmpty();
    expect(await reflect.list()).toEqual([
      `${ENTRY} entry`,
      '2025-03-18 same-day',
      '2026-03-17 recent',
      '2026-03-15 recent',
      '2026-03-05 similar',
    ]);
    // No embedding model: similar entries came from keyword search, and the panel says so.
    await expect(reflect.panel.getByTestId('reflection-keyword-notice')).toBeVisible();
    await expect(reflect.sources.first().getByRole('link')).toHaveAttribute(
      'href',
      `/notes/${entryBefore?.id}`,
    );
    await expect(reflect.sources.first()).toContainText('Slept badly again.');
    const axe = await new AxeBuilder({ page }).include('[data-testid=reflection-panel]').analyze();
    expect(axe.violations.map((v) => v.id)).toEqual([]);

    await reflect.save.click();
    await expect(reflect.panel.getByTestId('reflection-saved')).toContainText(
      `journal/${ENTRY}.reflection.md`,
    );
    await expect(reflect.save).toHaveText('Saved');
    await expect(reflect.save).toBeDisabled();
    const saved = await noteAt(page, `journal/${ENTRY}.reflection.md`);
    expect(saved?.content).toMatch(/^---\n[\s\S]*\nkind: reflection\n[\s\S]*\n---\n/);
    expect(saved?.content).toContain(`date: ${ENTRY}`);
    expect(saved?.content).toContain(`Reflection on [[journal/${ENTRY}|Wednesday]].`);
    expect(saved?.content).toContain('## Sources\n\n1. [[journal/2026-03-18|Wednesday]]');
    expect(saved?.kind).toBe('note');
    // The entry: same bytes, same hash, never written.
    const entryAfter = await noteAt(page, `journal/${ENTRY}.md`);
    expect(entryAfter?.content).toBe(entryBefore?.content);
    expect(entryAfter?.hash).toBe(entryBefore?.hash);
    expect(entryAfter?.updatedAt).toBe(entryBefore?.updatedAt);

    // A second reflection of the same day is saved beside the first, which stays as it was.
    await page.getByRole('button', { name: 'Reflect', exact: true }).click();
    await reflect.waitFor('done');
    // Closing with unsaved text asks first; "Keep it" keeps it.
    await reflect.panel.getByRole('button', { name: 'Close the reflection' }).click();
    const discard = page.getByRole('dialog', { name: 'Discard this reflection?' });
    await discard.getByRole('button', { name: 'Keep it' }).click();
    await expect(discard).toBeHidden();
    await reflect.save.click();
    await expect(reflect.panel.getByTestId('reflection-saved')).toContainText(
      `journal/${ENTRY}.reflection 2.md`,
    );
    expect((await noteAt(page, `journal/${ENTRY}.reflection.md`))?.content).toBe(saved?.content);
    expect((await noteAt(page, `journal/${ENTRY}.md`))?.content).toBe(entryBefore?.content);
    // Saved: closing asks nothing.
    await reflect.panel.getByRole('button', { name: 'Close the reflection' }).click();
    await expect(reflect.panel).toBeHidden();

    // The saved reflection's wikilink leads back to the entry.
    await page.goto(`/notes/${saved?.id}`);
    await page
      .getByRole('article', { name: 'Preview' })
      .getByRole('link', { name: 'Wednesday' })
      .first()
      .click();
    await expect(page).toHaveURL(new RegExp(`/notes/${entryBefore?.id}`));
  });

  test('with an embedding model, similar entries are found by meaning', async ({ page }) => {
    await importTinyLlama(page, 32);
    await importJournal(page);
    const memory = new MemoryPage(page);
    await memory.importTinyBert();
    await memory.openSettingsInApp();
    await memory.waitUpToDate(Object.keys(ENTRIES).length);

    await page.goto(`/journal/${ENTRY}`);
    await page.getByRole('button', { name: 'Reflect', exact: true }).click();
    const reflect = new ReflectionPanel(page);
    await reflect.waitFor('done');
    const list = await reflect.list();
    expect(list.slice(0, 4)).toEqual([
      `${ENTRY} entry`,
      '2025-03-18 same-day',
      '2026-03-17 recent',
      '2026-03-15 recent',
    ]);
    // The two earlier entries not read already, whatever the random BERT ranks first; never a later one.
    expect(list.slice(4).sort()).toEqual(['2026-03-05 similar', '2026-03-10 similar']);
    await expect(reflect.panel.getByTestId('reflection-keyword-notice')).toHaveCount(0);
  });

  test('a stopped reflection stays visible with Retry; a weekly review saves YYYY-Www.review.md', async ({
    page,
  }) => {
    await importTinyLlama(page, 1500);
    await importJournal(page);
    await page.goto(`/journal/${ENTRY}`);
    await page.getByRole('button', { name: 'Reflect', exact: true }).click();
    const reflect = new ReflectionPanel(page);
    const text = reflect.panel.getByTestId('reflection-text');
    await expect(reflect.status).toHaveAttribute('data-phase', 'writing', {
      timeout: patient(90_000),
    });
    await expect(text).not.toHaveText(/^\s*$/);
    await reflect.panel.getByRole('button', { name: 'Stop', exact: true }).click();
    await reflect.waitFor('stopped');
    const atStop = await text.textContent();
    expect(atStop?.trim()).not.toBe('');
    await page.waitForTimeout(1_000);
    expect(await text.textContent()).toBe(atStop);
    await expect(reflect.save).toBeEnabled();
    await reflect.panel.getByRole('button', { name: 'Retry' }).click();
    await expect(reflect.status).toHaveAttribute('data-phase', 'writing');
    await expect(text).not.toHaveText(/^\s*$/);
    await reflect.panel.getByRole('button', { name: 'Stop', exact: true }).click();
    await reflect.waitFor('stopped');
    const afterRetry = await text.textContent();

    // The week of 16–22 March 2026 holds the entries of the 17th and the 18th.
    await page.getByLabel('Week to review').fill('2026-W12');
    await page.getByRole('button', { name: 'Weekly review' }).click();
    // The stopped reflection was not saved: replacing it asks first.
    const replace = page.getByRole('dialog', { name: 'Replace the unsaved reflection?' });
    await replace.getByRole('button', { name: 'Keep it' }).click();
    await expect(reflect.panel.getByRole('heading', { level: 2 })).toHaveText(
      'Reflection on Wednesday',
    );
    expect(await text.textContent()).toBe(afterRetry);
    await page.getByRole('button', { name: 'Weekly review' }).click();
    await replace.getByRole('button', { name: 'Replace it' }).click();
    await expect(reflect.panel.getByRole('heading', { level: 2 })).toHaveText(
      'Weekly review 2026-W12',
    );
    await expect(text).not.toHaveText(/^\s*$/, { timeout: patient(90_000) });
    await reflect.panel.getByRole('button', { name: 'Stop', exact: true }).click();
    await reflect.waitFor('stopped');
    expect(await reflect.list()).toEqual(['2026-03-17 week', '2026-03-18 week']);
    await reflect.save.click();
    await expect(reflect.panel.getByTestId('reflection-saved')).toContainText(
      'journal/2026-W12.review.md',
    );
    const review = await noteAt(page, 'journal/2026-W12.review.md');
    expect(review?.content).toContain('kind: review');
    expect(review?.content).toContain('week: 2026-W12');
    expect(review?.content).toContain(
      'Weekly review of 2026-W12: [[journal/2026-03-17|Tuesday]], [[journal/2026-03-18|Wednesday]].',
    );
  });

  test('the reflection and review instructions are edited and reset in Settings', async ({
    page,
  }) => {
    const stored = async (key: string) =>
      (await readAll<{ key: string; value: unknown }>(page, 'settings')).find((r) => r.key === key)
        ?.value;
    await page.goto('/settings');
    const field = page.getByRole('textbox', { name: 'Reflection instructions' });
    // Editable only once the stored text is in the field (typing earlier was overwritten by it).
    await expect(field).toBeEditable();
    await expect(field).toHaveValue(/thoughtful journaling companion/);
    const defaultText = await field.inputValue();
    const save = page.getByRole('button', { name: 'Save reflection instructions' });
    const reset = page.getByRole('button', { name: 'Reset reflection instructions to default' });
    await expect(save).toBeDisabled();
    await expect(reset).toBeDisabled();

    await field.fill('Reflect in three bullet points on {{date}}.');
    await save.click();
    await expect
      .poll(() => stored('reflectionTemplate'))
      .toBe('Reflect in three bullet points on {{date}}.');
    await page.reload();
    await expect(field).toHaveValue('Reflect in three bullet points on {{date}}.');
    await expect(page.getByText('Edited by you.')).toHaveCount(1);

    await reset.click();
    await expect(field).toHaveValue(defaultText);
    await expect.poll(() => stored('reflectionTemplate')).toBeNull();
    await expect(reset).toBeDisabled();

    // The review's instructions are their own setting.
    const review = page.getByRole('textbox', { name: 'Weekly review instructions' });
    await review.fill('Summarise {{week}}.');
    await page.getByRole('button', { name: 'Save weekly review instructions' }).click();
    await expect.poll(() => stored('weeklyReviewTemplate')).toBe('Summarise {{week}}.');
    await expect(field).toHaveValue(defaultText);
  });
});
