import { test, expect } from './fixtures';

function todayKey(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

test.describe('journal', () => {
  test("today's entry is one click away, is keyed by the local date, and is reopened, not duplicated", async ({
    page,
    notes,
  }) => {
    await notes.open();
    await page.getByRole('button', { name: "Today's journal" }).click();
    const today = todayKey();
    await page.waitForURL(`**/journal/${today}`);
    await notes.typeAtEnd('Slept well.\n');
    await notes.saved();
    await expect(
      page.getByRole('group', { name: 'Month view' }).getByRole('button', { name: /has an entry/ }),
    ).toHaveCount(1);
    // A save refreshes the entry the view watches: the editor must stay as it is, focus and all,
    // so typing on after an autosave loses nothing (it used to be rebuilt, dropping keystrokes).
    await expect(notes.text).toBeFocused();
    await page.keyboard.type('Dreamt of the sea.\n');
    await notes.saved();
    await expect(notes.text).toBeFocused();
    expect(await notes.text.inputValue()).toMatch(/Slept well\.\nDreamt of the sea\.\n$/);

    await page.getByRole('link', { name: 'Notes', exact: true }).click();
    await page.getByRole('button', { name: "Today's journal" }).click();
    await expect(notes.text).toHaveValue(/Slept well\.\nDreamt of the sea\.\n$/);
    await expect(page.getByText(`journal/${today}.md`, { exact: true })).toBeVisible();
    await page.getByRole('link', { name: 'Notes', exact: true }).click();
    await expect(page.getByTestId('note-count')).toHaveText('1 notes');
  });

  test('browses past days in the month view and the list, and writes an entry for another day', async ({
    page,
    notes,
  }) => {
    await page.clock.setFixedTime(new Date(2026, 2, 18, 9, 30));
    await notes.open('/journal');
    await expect(page.getByRole('heading', { name: 'March 2026', exact: true })).toBeVisible();
    await expect(page.getByText('Nothing written today yet.')).toBeVisible();
    await page.getByRole('button', { name: "Start today's entry" }).click();
    await notes.typeAtEnd('Coffee first.\n');
    await notes.saved();

    await page.getByRole('button', { name: '3 March 2026', exact: true }).click();
    await page.waitForURL('**/journal/2026-03-03');
    await expect(page.getByText('No entry for this day.')).toBeVisible();
    await page.getByRole('button', { name: 'Write an entry' }).click();
    await notes.typeAtEnd('Went hiking.\n');
    await notes.saved();

    await page.getByRole('button', { name: 'Previous month' }).click();
    await expect(page.getByRole('heading', { name: 'February 2026', exact: true })).toBeVisible();
    // Browsing months leaves the open entry open.
    await expect(notes.text).toHaveValue(/Went hiking\.\n$/);
    await page.getByRole('button', { name: 'Next month' }).click();
    await page.getByRole('button', { name: '3 March 2026, has an entry', exact: true }).click();
    await expect(notes.text).toHaveValue(/Went hiking\.\n$/);
    await expect(
      page
        .getByRole('complementary', { name: 'Journal days' })
        .getByRole('link', { name: /3 March 2026/ }),
    ).toBeVisible();

    await page.getByRole('button', { name: 'All', exact: true }).click();
    const all = page.getByRole('list', { name: 'All entries' }).getByRole('link');
    await expect(all).toHaveText([/18 March 2026/, /3 March 2026/]);
    await page.getByRole('button', { name: 'This month' }).click();
    await page.getByRole('button', { name: 'Previous month' }).click();
    await expect(page.getByText('No entries this month.')).toBeVisible();
    await page.getByRole('button', { name: 'Next month' }).click();

    await page.getByRole('link', { name: 'Next day' }).click();
    await page.waitForURL('**/journal/2026-03-04');
    await page.getByRole('link', { name: 'Today' }).click();
    await page.waitForURL('**/journal/2026-03-18');
  });
});
