import AxeBuilder from '@axe-core/playwright';
import { test, expect } from './fixtures';
import type { Page } from '@playwright/test';
import { importTinyLlama } from './pages/chat-page';
import { patient } from './patience';

async function audit(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const summary = results.violations.map(
    (v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
  );
  expect(summary).toEqual([]);
}

for (const scheme of ['light', 'dark'] as const) {
  test(`axe finds no violations on the notes, journal, search, trash and settings views (${scheme})`, async ({
    page,
    notes,
  }) => {
    // Seven whole-page axe audits: each takes seconds on a loaded 2-core machine.
    test.slow();
    await page.emulateMedia({ colorScheme: scheme });
    await notes.open();
    await audit(page);
    await notes.create();
    await notes.typeAtEnd('# Heading\n\nSome *text* with a [[link]].\n');
    await notes.saved();
    await audit(page);
    // Obsidian's constructs too: callouts (open and folded), a highlight, a tag chip, a task
    // list, a section embed and a missing one, in both colour schemes (filled, not typed: the
    // keystrokes above already went through the editor).
    await notes.text.fill(
      [
        await notes.text.inputValue(),
        'A ==highlight== and a #tag/nested chip.',
        '',
        '> [!warning] Careful',
        '> A callout.',
        '',
        '> [!tip]- Folded',
        '> Hidden.',
        '',
        '- [ ] to do',
        '- [x] done',
        '',
        '![[Untitled#Part]]',
        '',
        '![[Nowhere]]',
        '',
        '## Part',
        '',
        'Shown twice.',
        '',
      ].join('\n'),
    );
    await notes.saved();
    await expect(notes.preview.locator('.embed-content')).toHaveText('Part\nShown twice.');
    await expect(notes.preview.locator('.callout')).toHaveCount(2);
    await notes.preview.getByText('Folded', { exact: true }).click();
    await expect(notes.preview.getByText('Hidden.')).toBeVisible();
    await audit(page);
    await page.getByRole('link', { name: 'Journal', exact: true }).click();
    await expect(page.getByRole('group', { name: 'Month view' })).toBeVisible();
    await audit(page);
    await page.getByRole('link', { name: 'Search', exact: true }).click();
    await page.getByRole('searchbox', { name: 'Search notes' }).fill('text');
    await audit(page);
    await page.getByRole('link', { name: 'Trash', exact: true }).click();
    await audit(page);
    await page.getByRole('link', { name: 'Settings', exact: true }).click();
    await expect(page.getByRole('heading', { name: 'Storage' })).toBeVisible();
    await audit(page);
  });
}

for (const scheme of ['light', 'dark'] as const) {
  test(`axe finds no violations on the models and chat views, with a model and an answer (${scheme})`, async ({
    page,
  }) => {
    await page.emulateMedia({ colorScheme: scheme });
    await page.goto('/chat');
    await expect(page.getByTestId('chat-get-model')).toBeVisible();
    await audit(page);
    await importTinyLlama(page, 48);
    await expect(page.getByRole('list', { name: 'Model catalog' })).toBeVisible({
      timeout: patient(30_000),
    });
    await audit(page);
    await page.getByRole('link', { name: 'Chat', exact: true }).click();
    await page.getByRole('textbox', { name: 'Message' }).fill('Write `code` in **bold**, please.');
    await page.getByRole('button', { name: 'Send' }).click();
    await expect(page.locator('[data-testid=chat-message][data-role=assistant]')).toHaveAttribute(
      'data-status',
      'done',
      { timeout: patient(90_000) },
    );
    await audit(page);
  });
}
