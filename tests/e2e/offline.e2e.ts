import { test, expect } from './fixtures';

test('after one visit the app opens offline, on deep links, with notes and isolation intact', async ({
  page,
  context,
  notes,
}) => {
  await notes.open();
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  // The first load is not controlled by the worker; one reload puts it in charge.
  await page.reload();
  await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);

  const id = await notes.create();
  await notes.rename('Offline survival kit');
  await notes.typeAtEnd('water, map, torch\n');
  await notes.saved();

  await context.setOffline(true);
  await page.reload();
  await expect(notes.title).toHaveValue('Offline survival kit');
  await expect(notes.text).toHaveValue(/water, map, torch/);
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);

  for (const deepLink of ['/journal/2026-01-01', '/settings', '/search?q=torch', `/notes/${id}`]) {
    await page.goto(deepLink);
    await expect(page.getByRole('button', { name: 'New note' })).toBeVisible();
  }
  await expect(notes.text).toHaveValue(/water, map, torch/);
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);

  await notes.typeAtEnd('batteries\n');
  await notes.saved();
  await context.setOffline(false);
});
