import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, expect } from './fixtures';
import { SearchPage } from './pages/search-page';
import { corpusDir } from '../fixtures/corpus';
import { writeVault, type VaultStats } from '../fixtures/vault-generator';
import { patient } from './patience';

const corpus = corpusDir;

/** Own notes for the filters: two tagged notes and a journal day sharing one word. */
const ownNotes: Record<string, string> = {
  'notes/harbor-trip.md':
    '---\ntitle: Harbor trip\ntags: [travel]\ndate: 2024-03-10\n---\nWe walked to the lighthouse at dawn.\n',
  'notes/cookies.md':
    '---\ntitle: Cookies\ntags: [cooking]\ndate: 2024-06-01\n---\nLighthouse cookies, from the harbor bakery.\n',
  'journal/2024-03-05.md': '# Tuesday\n\nSaw the lighthouse from the train.\n',
};

let vaultDir = '';
let fileCount = 0;

test.beforeAll(() => {
  vaultDir = mkdtempSync(join(tmpdir(), 'hearth-search-'));
  const root = join(vaultDir, 'vault');
  for (const lang of ['pages.ja', 'pages.zh']) {
    cpSync(join(corpus, lang, 'common'), join(root, lang, 'common'), { recursive: true });
  }
  mkdirSync(join(root, 'pages', 'common'), { recursive: true });
  for (const name of ['tar.md', 'git.md', '7z.md']) {
    cpSync(join(corpus, 'pages', 'common', name), join(root, 'pages', 'common', name));
  }
  for (const [path, text] of Object.entries(ownNotes)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  fileCount = readdirSync(root, { recursive: true, withFileTypes: true }).filter((e) =>
    e.isFile(),
  ).length;
});

test.afterAll(() => rmSync(vaultDir, { recursive: true, force: true }));

test.describe('keyword search', () => {
  test('finds Japanese and Chinese pages, filters, and works from the restored index after a reload', async ({
    page,
  }) => {
    const search = new SearchPage(page);
    await search.open();
    await expect(page.getByText('Search your notes and journal — in any language.')).toBeVisible();
    await expect(search.input).toBeFocused();
    expect(await search.importFolder(join(vaultDir, 'vault'))).toBe(fileCount);

    await test.step('a Japanese word the dictionary splits differently inside the page', async () => {
      await search.search('アーカイバ');
      const hit = search.result('pages.ja/common/7z.md');
      await expect(hit).toBeVisible();
      await expect(hit.locator('mark').first()).toHaveText('アーカイバ');
      await expect(page).toHaveURL(/\/search\?q=%E3%82%A2/);
    });

    await test.step('a Chinese phrase', async () => {
      await search.search('归档实用程序');
      const hit = search.result('pages.zh/common/tar.md');
      await expect(hit).toBeVisible();
      await expect(hit.locator('mark').first()).toHaveText('归档实用程序');
    });

    await test.step('kind, tag, date and folder filters', async () => {
      await search.search('lighthouse');
      await search.expectCount(3);
      await search.kind.selectOption({ label: 'Journal' });
      await search.expectCount(1);
      await expect(search.results.first()).toContainText('Tuesday');
      await search.kind.selectOption({ label: 'Notes' });
      await search.expectCount(2);
      await search.kind.selectOption({ label: 'All' });
      await search.tag.selectOption('travel');
      await search.expectCount(1);
      await expect(search.results.first()).toContainText('Harbor trip');
      await search.tag.selectOption({ label: 'All tags' });
      await search.from.fill('2024-03-06');
      await search.expectCount(2);
      await search.to.fill('2024-03-10');
      await search.expectCount(1);
      await search.from.fill('');
      await search.to.fill('2024-03-05');
      await search.expectCount(1);
      await expect(search.results.first()).toContainText('Tuesday');
      await search.to.fill('');
      await search.expectCount(3);
      // The folder filter lists the vault's folders (the import keeps the picked folder's name)
      // and keeps the notes at any depth inside the one chosen.
      await expect(
        search.folder.getByRole('option', { name: 'vault/pages.zh/common', exact: true }),
      ).toBeAttached();
      await search.folder.selectOption('vault');
      await search.expectCount(3);
      await search.folder.selectOption('vault/notes');
      await search.expectCount(2);
      await search.folder.selectOption('vault/journal');
      await search.expectCount(1);
      await expect(search.results.first()).toContainText('Tuesday');
      await search.folder.selectOption({ label: 'All folders' });
      await search.expectCount(3);
    });

    await test.step('keyboard: ArrowDown moves into the results, Enter opens one', async () => {
      await search.search('harbor trip');
      await expect(search.results).toHaveCount(1);
      await search.input.press('ArrowDown');
      await expect(search.results.first()).toBeFocused();
      await page.keyboard.press('Enter');
      await expect(page).toHaveURL(/\/notes\/[0-9a-f-]{36}(\?at=\d+-\d+)?$/);
    });

    await test.step('after a reload, search answers from the restored snapshot', async () => {
      await search.open('アーカイバ');
      await search.waitForSnapshot();
      await page.reload();
      await expect(search.indexStatus).toHaveText(
        new RegExp(`Index: ${fileCount.toLocaleString('en-US')} notes · restored in [\\d,]+ ms`),
      );
      await expect(search.input).toHaveValue('アーカイバ');
      await expect(search.result('pages.ja/common/7z.md')).toBeVisible();
      await search.search('归档');
      await expect(search.result('pages.zh/common/tar.md')).toBeVisible();
    });
  });

  test('follows an edit and a trash without a reload', async ({ page, notes }) => {
    const search = new SearchPage(page);
    await notes.open();
    await notes.create();
    await notes.typeAtEnd('Remember the zephyrquill notebook.');
    await notes.saved();

    await search.openInApp();
    await search.search('zephyrqu');
    await expect(search.results).toHaveCount(1);
    await expect(search.results.first().locator('mark')).toHaveText('zephyrquill');
    await search.search('zephyrquill');
    await search.expectCount(1);

    await search.results.first().click();
    await page.getByRole('button', { name: 'Move to trash' }).click();
    await search.openInApp();
    await search.search('zephyrquill');
    await expect(page.getByText('No notes match “zephyrquill”.')).toBeVisible();
  });
});

test.describe('keyword search on a large multilingual vault', () => {
  /** Thousands of notes averaging ≈ 7.6 KB in 30 languages (tests/fixtures/vault-generator.ts). */
  const spec = { notes: 3_000, seed: 7 };
  let largeDir = '';
  let stats: VaultStats;

  test.beforeAll(() => {
    largeDir = mkdtempSync(join(tmpdir(), 'hearth-large-'));
    stats = writeVault(join(largeDir, 'vault'), spec);
  });

  test.afterAll(() => rmSync(largeDir, { recursive: true, force: true }));

  test('answers the last query typed at once, from what is indexed so far, and says so', async ({
    page,
  }) => {
    test.setTimeout(patient(420_000));
    expect(stats.bytes / stats.notes).toBeGreaterThan(7_000);
    const search = new SearchPage(page);
    await search.watchAnswers();
    await search.open();
    expect(await search.importFolder(join(largeDir, 'vault'), 240_000)).toBe(stats.notes);

    /** Several queries typed quickly, as a user refines one; only the last may be answered. */
    const typeQuickly = async (queries: string[]) => {
      for (const q of queries) await search.input.fill(q);
    };

    let settledTotal = 0;
    await test.step('right after the import, the answer on screen is the last query’s', async () => {
      await typeQuickly(['gr', 'graph', 'graph view', 'can', 'canv', 'canvas']);
      await search.expectAnswerFor('canvas');
      await expect(search.coverage).toBeHidden({ timeout: patient(180_000) });
      await search.expectAnswerFor('canvas');
      settledTotal = await search.countValue();
      expect(settledTotal).toBeGreaterThan(100);
      for (const text of await search.results.allInnerTexts())
        expect(text.toLowerCase()).toContain('canvas');
      expect(await search.answerBreaches()).toEqual([]);
    });

    await test.step('with no saved index, a reload searches while it re-indexes everything', async () => {
      await search.waitForSnapshot();
      await expect(search.indexStatus).not.toContainText('indexing');
      // As on the first start after the index format changed: no usable snapshot.
      await search.dropSavedIndex();
      await page.reload();
      await expect(search.input).toHaveValue('canvas');
      await typeQuickly(['vau', 'vault', 'graph view', 'canvas']);
      // Answered from the notes indexed so far, saying how many of them that is.
      await expect(search.coverage).toContainText(
        new RegExp(
          `^Searched [\\d,]+ of ${stats.notes.toLocaleString('en-US')} notes — indexing…$`,
        ),
      );
      await expect(search.coverage).toHaveAttribute('data-query', 'canvas');
      // Then the message goes, and the count is the full one again.
      await expect(search.coverage).toBeHidden({ timeout: patient(180_000) });
      await search.expectAnswerFor('canvas');
      expect(await search.countValue()).toBe(settledTotal);
      expect(await search.answerBreaches()).toEqual([]);
    });

    await test.step('the index saved after catching up is restored after a reload', async () => {
      await search.waitForSnapshot();
      await page.reload();
      await expect(search.indexStatus).toHaveText(
        new RegExp(`Index: ${stats.notes.toLocaleString('en-US')} notes · restored in [\\d,]+ ms`),
        { timeout: patient(60_000) },
      );
      await search.expectAnswerFor('canvas');
      expect(await search.countValue()).toBe(settledTotal);
      await expect(search.coverage).toBeHidden();
      expect(await search.answerBreaches()).toEqual([]);
    });
  });
});

test.describe('a search while the index is being restored', () => {
  // The worker script must come from the network (where the route below holds it), not from
  // the service worker's precache.
  test.use({ serviceWorkers: 'block' });

  test('answers from titles and says so, then from the index as saved while it checks for changes, then from everything', async ({
    page,
    context,
  }) => {
    const search = new SearchPage(page);
    await search.open();
    expect(await search.importFolder(join(vaultDir, 'vault'))).toBe(fileCount);
    await search.search('harbor');
    await search.expectCount(2);
    await expect(page).toHaveURL(/\/search\?q=harbor$/);
    await search.waitForSnapshot();

    // Every load of the search worker from now on waits, before its restore, for a release
    // only this test can give: the restore stays in progress for as long as the test needs.
    await context.route(/\/search\.worker[^/]*\.js$/, async (route) => {
      const response = await route.fetch();
      const hold =
        'globalThis.__hearthHoldRestore = new Promise((r) => (globalThis.__hearthReleaseRestore = r));\n' +
        'globalThis.__hearthHoldCheck = new Promise((r) => (globalThis.__hearthReleaseCheck = r));\n';
      await route.fulfill({ response, body: hold + (await response.text()) });
    });
    await page.reload();
    await expect(search.indexStatus).toHaveText('Index: loading…');
    // 'harbor' is in one title ("Harbor trip") and in the text of another note ("Cookies").
    await search.expectAnswerFor('harbor');
    await search.expectCount(1);
    await expect(search.result('notes/harbor-trip.md')).toBeVisible();
    await expect(search.coverage).toHaveText(
      `Searched the titles of ${fileCount.toLocaleString('en-US')} notes — loading the index…`,
    );
    await expect(search.coverage).toHaveAttribute('data-query', 'harbor');
    await expect(search.indexStatus).toHaveText('Index: loading…');

    const worker = page.workers().find((w) => /search\.worker/.test(w.url()));
    expect(worker).toBeDefined();
    await worker!.evaluate(() =>
      (globalThis as { __hearthReleaseRestore?: () => void }).__hearthReleaseRestore?.(),
    );
    // Searchable now, still checking for notes changed while no index listened (held too).
    const restored = `Index: ${fileCount.toLocaleString('en-US')} notes · restored in [\\d,]+ ms`;
    await expect(search.indexStatus).toHaveText(
      new RegExp(`^${restored} · checking for changes…$`),
    );
    // The same query runs again by itself once the index is there: the note found by its text
    // joins, and the line says the answer may still miss changes.
    await search.expectCount(2);
    await expect(search.result('notes/cookies.md')).toBeVisible();
    await expect(search.coverage).toHaveText(
      'Searched the index as last saved — checking for notes changed since then…',
    );
    await worker!.evaluate(() =>
      (globalThis as { __hearthReleaseCheck?: () => void }).__hearthReleaseCheck?.(),
    );
    await expect(search.indexStatus).toHaveText(new RegExp(`^${restored}$`));
    await search.expectCount(2);
    await expect(search.coverage).toBeHidden();
  });
});
