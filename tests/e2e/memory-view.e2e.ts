// Long-term memory in real Chromium: the Memory view adds, searches, edits and forgets memories,
// and a forgotten (or edited-away) text is then in no object store of any IndexedDB database.
// With the tiny BERT, memories get vectors of their own that forgetting removes; with the tiny
// Llama (random weights: never valid JSON), a proposal is discarded with a message and nothing
// is stored. Memory text is untrusted and never runs.
import AxeBuilder from '@axe-core/playwright';
import { test, expect } from './fixtures';
import { findInIndexedDb } from './idb-scan';
import { readAll } from './idb';
import { MemoryViewPage, seedChats } from './pages/memory-view-page';
import { MemoryPage, goInApp } from './pages/memory-page';
import { importTinyLlama } from './pages/chat-page';
import { patient } from './patience';

interface StoredMemoryVector {
  memoryId: string;
  modelId: string;
  updatedAt: number;
  q: Int8Array;
}

const nowhere = (view: MemoryViewPage, text: string) =>
  expect.poll(() => findInIndexedDb(view.page, text), { timeout: patient(15_000) }).toEqual([]);

test.describe('memory view', () => {
  test('add, search, edit and forget: the old and the forgotten text are in no IndexedDB store', async ({
    page,
  }) => {
    const view = new MemoryViewPage(page);
    await view.open();
    await expect(view.empty).toContainText('Nothing remembered yet');

    await view.add('I keep bees on the roof, quokka-alpha');
    await view.add('My sister Ana lives in Lisbon');
    await expect(view.items).toHaveCount(2);
    expect(await findInIndexedDb(page, 'quokka-alpha')).toEqual([
      { database: 'hearth', store: 'memories' },
    ]);
    await expect(view.item('I keep bees on the roof, quokka-alpha')).toContainText('Added by you');

    await view.search.fill('LISBON');
    await expect(view.texts).toHaveText(['My sister Ana lives in Lisbon']);
    await view.search.fill('nothing like this');
    await expect(view.empty).toContainText('No memory matches');
    await view.search.fill('');
    await expect(view.items).toHaveCount(2);

    await view.edit(
      'I keep bees on the roof, quokka-alpha',
      'I keep hives in the garden, quokka-beta',
    );
    await nowhere(view, 'quokka-alpha');
    await expect(view.item('I keep hives in the garden, quokka-beta')).toContainText('edited');

    // Forget, undo, forget again: after the last one the text is nowhere, also after a reload.
    await view.forget('I keep hives in the garden, quokka-beta');
    await page.getByRole('button', { name: 'Undo' }).click();
    await expect(view.texts.getByText('I keep hives in the garden, quokka-beta')).toBeVisible();
    await view.forget('I keep hives in the garden, quokka-beta');
    await nowhere(view, 'quokka-beta');
    await page.reload();
    await expect(view.texts).toHaveText(['My sister Ana lives in Lisbon']);
    await nowhere(view, 'quokka-beta');

    // Empty text is refused with a message, and nothing is stored.
    await view.newMemory.fill('   ');
    await page.getByRole('button', { name: 'Remember', exact: true }).click();
    await expect(page.getByRole('alert')).toContainText('A memory needs some text.');
    await expect(view.items).toHaveCount(1);
  });

  test('hostile memory text is shown as text and never runs; the view passes axe in dark mode', async ({
    page,
  }) => {
    await page.emulateMedia({ colorScheme: 'dark' });
    const view = new MemoryViewPage(page);
    await view.open();
    const payloads = [
      '<img src=x onerror="window.__pwned=1">',
      '<script>window.__pwned=2</script>',
      '[x](javascript:window.__pwned=3) <svg onload="window.__pwned=4">',
    ];
    for (const payload of payloads) await view.add(payload);
    await seedChats(page, [
      {
        id: 'evil"><img src=x onerror=window.__pwned=5>',
        title: '<img src=x onerror="window.__pwned=6">',
        messages: ['hello'],
        memories: ['<iframe src="javascript:window.__pwned=7"></iframe>'],
      },
    ]);
    await page.reload();
    await expect(view.items).toHaveCount(4);
    for (const payload of [...payloads, '<iframe src="javascript:window.__pwned=7"></iframe>'])
      await expect(view.texts.getByText(payload, { exact: true })).toBeVisible();
    await expect(view.list.locator('img, script, svg, iframe')).toHaveCount(0);
    const chatLink = view.list.getByRole('link', {
      name: '<img src=x onerror="window.__pwned=6">',
    });
    await expect(chatLink).toHaveAttribute('href', /^\/chat\/evil%22%3E%3Cimg/);
    await page.getByRole('button', { name: /^Edit “<img/ }).click();
    await page.keyboard.press('Escape');
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBe(
      undefined,
    );
    const results = await new AxeBuilder({ page }).analyze();
    expect(results.violations.map((v) => v.id)).toEqual([]);
  });

  test('forgetting everything from one chat leaves other chats’ and typed memories', async ({
    page,
  }) => {
    const view = new MemoryViewPage(page);
    await view.open();
    await seedChats(page, [
      {
        id: 'trip',
        title: 'Trip planning',
        messages: ['Where should I go?', 'Somewhere warm.'],
        memories: ['Prefers trains over planes, walrus-one', 'Travels with a bike, walrus-two'],
      },
      {
        id: 'food',
        title: 'Dinner ideas',
        messages: ['What to cook?', 'Pasta.'],
        memories: ['Is allergic to peanuts, narwhal-three'],
      },
    ]);
    await page.reload();
    await view.add('Typed by me, narwhal-four');
    await expect(view.items).toHaveCount(4);
    const fromTrip = view.item('Travels with a bike, walrus-two');
    await expect(fromTrip.getByRole('link', { name: 'Trip planning' })).toHaveAttribute(
      'href',
      '/chat/trip',
    );
    await fromTrip.getByRole('button', { name: 'Forget everything from this chat' }).click();
    const dialog = page.getByRole('dialog', { name: 'Forget everything from this chat?' });
    await expect(dialog).toContainText('2 memories from “Trip planning”');
    await dialog.getByRole('button', { name: 'Forget them' }).click();
    await expect(view.texts).toHaveText([
      'Typed by me, narwhal-four',
      'Is allergic to peanuts, narwhal-three',
    ]);
    await nowhere(view, 'walrus-');
    // The chat itself stays.
    expect((await readAll<{ id: string }>(page, 'conversations')).map((c) => c.id).sort()).toEqual([
      'food',
      'trip',
    ]);
  });

  test('with the tiny BERT, memories get their own vectors, redone on edit and gone on forget', async ({
    page,
  }) => {
    test.setTimeout(patient(180_000));
    const view = new MemoryViewPage(page);
    await view.open();
    const modelKey = await new MemoryPage(page).importTinyBert();
    await goInApp(page, '/memory');
    await view.add('I play the cello on Sundays');
    await view.add('I am allergic to cats');
    const vectors = () => readAll<StoredMemoryVector>(page, 'memoryVectors');
    const memories = () =>
      readAll<{ id: string; text: string; updatedAt: number }>(page, 'memories');
    await expect.poll(async () => (await vectors()).length, { timeout: patient(90_000) }).toBe(2);
    const stored = await vectors();
    expect(new Set(stored.map((v) => v.modelId))).toEqual(new Set([modelKey]));
    expect(stored.every((v) => v.q.length > 0)).toBe(true);
    // Memories never enter the notes' own chunks and vectors.
    const ids = (await memories()).map((m) => m.id);
    const chunks = await readAll<{ noteId: string }>(page, 'chunks');
    expect(chunks.filter((c) => ids.includes(c.noteId))).toEqual([]);

    await view.edit('I play the cello on Sundays', 'I play the viola on Sundays');
    await expect
      .poll(
        async () => {
          const [rows, mems] = [await vectors(), await memories()];
          const viola = mems.find((m) => m.text.includes('viola'));
          return rows.some((r) => r.memoryId === viola?.id && r.updatedAt === viola.updatedAt);
        },
        { timeout: patient(60_000) },
      )
      .toBe(true);

    await view.forget('I am allergic to cats');
    await expect.poll(async () => (await vectors()).length).toBe(1);
    await nowhere(view, 'allergic to cats');
    await nowhere(view, 'cello');
  });

  test('proposals are off by default; the tiny Llama’s non-JSON proposal is discarded with a message', async ({
    page,
  }) => {
    test.setTimeout(patient(180_000));
    await importTinyLlama(page, 48);
    const view = new MemoryViewPage(page);
    await view.open();
    await seedChats(page, [
      {
        id: 'c1',
        title: 'About me',
        messages: ['I am vegetarian and I live in Porto.', 'Good to know.'],
        memories: [],
      },
    ]);
    await page.reload();
    const optIn = page.getByRole('checkbox', {
      name: 'Let the model propose memories from a conversation',
    });
    await expect(optIn).not.toBeChecked();
    const propose = page.getByRole('button', { name: 'Propose memories' });
    await expect(propose).toHaveCount(0);
    await optIn.check();
    await expect
      .poll(
        async () =>
          (await readAll<{ key: string; value: unknown }>(page, 'settings')).find(
            (s) => s.key === 'memories.proposals',
          )?.value,
      )
      .toBe(true);
    await page.getByRole('combobox', { name: 'Chat' }).selectOption({ label: 'About me' });
    await propose.click();
    await expect(page.getByTestId('proposal-error')).toContainText(
      "The model's proposals were discarded:",
      { timeout: patient(90_000) },
    );
    await expect(page.getByTestId('proposal')).toHaveCount(0);
    expect(await readAll(page, 'memories')).toEqual([]);
    await page.getByRole('button', { name: 'Close' }).click();
    await expect(page.getByTestId('proposal-error')).toHaveCount(0);
  });
});
