// Semantic memory in real Chromium: notes imported from the tldr corpus, the generated tiny BERT
// imported through the Models page, indexing in the memory worker, hybrid search, jumping to a
// chunk, related notes, edits, a tab closed mid-job, wipe and rebuild, and the keyword fallback.
// Expected chunk counts come from the chunker run in Node over the texts IndexedDB holds, with
// the same model's tokenizer loaded apart from the app.
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// eslint-disable-next-line no-restricted-imports
import { env } from '@huggingface/transformers';
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { SearchPage } from './pages/search-page';
import { MemoryPage, goInApp, type StoredChunk } from './pages/memory-page';
import { readAll } from './idb';
import { corpusDir } from '../fixtures/corpus';
import { TINY_BERT_DIR } from './model-fixtures';
import { tinyBertSpec } from '../fixtures/tiny-bert';
import { chunkNote } from '../../src/lib/search/chunker';
import { chunkOptionsFor } from '../../src/lib/search/indexer';
import { loadEmbedder } from '../../src/lib/llm/transformers/embedder';
import { noNetwork } from '../../src/lib/llm/transformers/activity';
import type { TextEmbedder } from '../../src/lib/search/embedding-types';
import { patient } from './patience';

const corpus = corpusDir;

/** `count` pages of each language, the first in name order, copied into a fresh vault folder. */
function corpusSlice(perLanguage: number): { dir: string; files: number } {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-memory-'));
  const root = join(dir, 'vault');
  let files = 0;
  for (const lang of ['pages', 'pages.de', 'pages.ja', 'pages.zh']) {
    const from = join(corpus, lang, 'common');
    const names = readdirSync(from)
      .filter((n) => n.endsWith('.md'))
      .sort()
      .slice(0, perLanguage);
    mkdirSync(join(root, lang), { recursive: true });
    for (const name of names) cpSync(join(from, name), join(root, lang, name));
    files += names.length;
  }
  return { dir, files };
}

let tokenizer: TextEmbedder;

test.beforeAll(async () => {
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = join(TINY_BERT_DIR, '..');

  tokenizer = await loadEmbedder(tinyBertSpec(), { network: noNetwork, deviceOverride: 'cpu' });
});

test.afterAll(async () => {
  await tokenizer?.dispose();
});

const chunkOptions = (title: string) => chunkOptionsFor(tokenizer, title);

/** What the chunker makes of every live note's stored text, per note id. */
async function expectedChunks(page: Page): Promise<Map<string, number>> {
  const [notes, bodies] = await Promise.all([
    readAll<{ id: string; title: string; deletedAt: number }>(page, 'notes'),
    readAll<{ id: string; content: string }>(page, 'bodies'),
  ]);
  const text = new Map(bodies.map((b) => [b.id, b.content]));
  const out = new Map<string, number>();
  for (const note of notes.filter((n) => n.deletedAt === 0)) {
    const chunks = chunkNote(text.get(note.id) ?? '', chunkOptions(note.title));
    out.set(note.id, chunks.length);
  }
  return out;
}

const sum = (counts: Map<string, number>) => [...counts.values()].reduce((a, b) => a + b, 0);

async function expectConverged(memory: MemoryPage, notes: number): Promise<StoredChunk[]> {
  const expected = await expectedChunks(memory.page);
  const [chunks, vectors, jobs] = await Promise.all([
    memory.chunks(),
    memory.vectors(),
    memory.jobs(),
  ]);
  expect(chunks).toHaveLength(sum(expected));
  expect(vectors).toHaveLength(sum(expected));
  expect(new Set(vectors.map((v) => v.chunkId))).toEqual(new Set(chunks.map((c) => c.id)));
  expect(new Set(chunks.map((c) => c.label)).size).toBe(chunks.length);
  for (const [noteId, count] of expected)
    expect(
      chunks.filter((c) => c.noteId === noteId),
      noteId,
    ).toHaveLength(count);
  expect(jobs.filter((j) => j.status === 'done')).toHaveLength(notes);
  return chunks;
}

test.describe('semantic memory', () => {
  test('indexes a corpus slice exactly, finds a chunk by its text, follows an edit, rebuilds the same, works offline', async ({
    page,
    context,
  }) => {
    test.setTimeout(patient(300_000));
    const { dir, files } = corpusSlice(10);
    const search = new SearchPage(page);
    const memory = new MemoryPage(page);
    await search.open();
    // Under the service worker from the start, so the last step can run offline.
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    await page.reload();
    await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);
    expect(await search.importFolder(join(dir, 'vault'))).toBe(files);
    rmSync(dir, { recursive: true, force: true });
    await memory.importTinyBert();
    await memory.openSettingsInApp();
    await memory.waitUpToDate(files);
    const chunks = await expectConverged(memory, files);
    expect(chunks.length).toBeGreaterThan(files);
    await expect(page.getByTestId('memory-chunks')).toHaveText(
      chunks.length.toLocaleString('en-US'),
    );
    await expect(page.getByTestId('memory-vectors')).toHaveText(
      chunks.length.toLocaleString('en-US'),
    );

    const bodies = await readAll<{ id: string; content: string }>(page, 'bodies');
    const textOf = (c: StoredChunk) =>
      bodies.find((b) => b.id === c.noteId)!.content.slice(c.start, c.end);

    await test.step('Settings show the index’s own measured recall, sample and search cost', async () => {
      await expect(memory.recall).toContainText(
        /^1\.000 recall@10 on a sample of \d+ stored vectors against an exact scan \(goal ≥ 0\.95\)$/,
      );
      const sample = Number((await memory.recall.innerText()).match(/sample of (\d+)/)![1]);
      expect(sample).toBe(Math.min(64, chunks.length));
      // A slice this small is scanned exactly (below 5,000 vectors).
      await expect(memory.searchCost).toContainText(
        new RegExp(
          `ms per search · exact: every one of ${chunks.length.toLocaleString('en-US')} vectors scored`,
        ),
      );
    });

    await test.step('a folder filter ranks only that folder’s chunks by meaning', async () => {
      const notes = await readAll<{ id: string; path: string }>(page, 'notes');
      const chinese = new Set(notes.filter((n) => n.path.includes('pages.zh/')).map((n) => n.id));
      // A chunk from outside pages.zh, its own text as the query: unfiltered, it comes first.
      const other = chunks.find((c) => !chinese.has(c.noteId) && c.seq === 0)!;
      const title = (await readAll<{ id: string; title: string }>(page, 'notes')).find(
        (n) => n.id === other.noteId,
      )!.title;
      const body = bodies.find((b) => b.id === other.noteId)!.content;
      await goInApp(page, '/search');
      await search.mode.selectOption({ label: 'Meaning only' });
      await search.search(chunkNote(body, chunkOptions(title))[0]!.embedText);
      await expect(search.results.first()).toHaveAttribute(
        'href',
        `/notes/${other.noteId}?at=${other.start}-${other.end}`,
      );
      const folder = (await search.folder.locator('option').allInnerTexts()).find((f) =>
        f.endsWith('pages.zh'),
      )!;
      await search.folder.selectOption(folder);
      await expect(search.results.first()).not.toHaveAttribute('href', new RegExp(other.noteId));
      const hrefs = await search.results.evaluateAll((links) =>
        links.map((a) => a.getAttribute('href')!),
      );
      const ids = hrefs.map((h) => h.split('/notes/')[1]!.split('?')[0]!);
      // Every Chinese note with a chunk among the 30 best Chinese chunks, and nothing else.
      expect(ids.length).toBeGreaterThanOrEqual(Math.min(chinese.size, 3));
      expect(ids.every((id) => chinese.has(id))).toBe(true);
      await search.folder.selectOption('');
      await search.search('');
    });

    await test.step('a query equal to a chunk’s text returns that chunk first, and opens at it', async () => {
      // A German chunk in the middle of its note, so the range is not the note's start.
      const notes = await readAll<{ id: string; path: string; title: string }>(page, 'notes');
      const german = new Set(notes.filter((n) => n.path.includes('pages.de/')).map((n) => n.id));
      const chunk = chunks.find((c) => german.has(c.noteId) && c.seq === 1)!;
      // The text the chunk was embedded from: its heading context, then its own text.
      const body = bodies.find((b) => b.id === chunk.noteId)!.content;
      const title = notes.find((n) => n.id === chunk.noteId)!.title;
      const embedded = chunkNote(body, chunkOptions(title))[chunk.seq]!;
      expect(embedded.text).toBe(textOf(chunk));
      await goInApp(page, '/search');
      await search.mode.selectOption({ label: 'Meaning only' });
      await search.search(embedded.embedText);
      const first = search.results.first();
      const href = `/notes/${chunk.noteId}?at=${chunk.start}-${chunk.end}`;
      await expect(first).toHaveAttribute('href', href);
      await expect(first).toHaveAttribute('data-sources', 'semantic');
      // Words and meaning together still list it, found by both.
      await search.mode.selectOption({ label: 'Words and meaning' });
      await expect(search.results.and(page.locator(`[href="${href}"]`))).toHaveAttribute(
        'data-sources',
        'keyword semantic',
      );
      await search.mode.selectOption({ label: 'Meaning only' });
      await expect(first).toHaveAttribute('data-sources', 'semantic');
      await expect(first).toHaveAttribute('href', href);
      await first.click();
      const textarea = page.getByRole('textbox', { name: 'Note text' });
      await expect
        .poll(() =>
          textarea.evaluate((t: HTMLTextAreaElement) => [t.selectionStart, t.selectionEnd]),
        )
        .toEqual([chunk.start, chunk.end]);
      await expect(page.getByTestId('related-notes').getByRole('link').first()).toBeVisible();
    });

    await test.step('an edit re-embeds only that note’s changed chunks', async () => {
      const before = new Map(chunks.map((c) => [c.id, c.label]));
      const target = chunks.find((c) => c.seq === 2)!;
      await goInApp(page, `/notes/${target.noteId}`);
      const textarea = page.getByRole('textbox', { name: 'Note text' });
      await textarea.click();
      await page.keyboard.press('Control+End');
      await page.keyboard.type('\n\n- Hearth edit: a brand new closing line about lighthouses.\n');
      // Saved for real (the status also reads "Saved" before the first keystroke).
      await expect
        .poll(async () =>
          (await readAll<{ id: string; content: string }>(page, 'bodies'))
            .find((b) => b.id === target.noteId)
            ?.content.includes('Hearth edit'),
        )
        .toBe(true);
      await memory.openSettingsInApp();
      await expect
        .poll(async () => (await memory.chunks()).filter((c) => !before.has(c.id)).length, {
          timeout: patient(60_000),
        })
        .toBeGreaterThan(0);
      await memory.waitUpToDate(files);
      const after = await expectConverged(memory, files);
      const added = after.filter((c) => !before.has(c.id));
      expect(added.every((c) => c.noteId === target.noteId)).toBe(true);
      const others = after.filter((c) => c.noteId !== target.noteId);
      expect(others.every((c) => before.get(c.id) === c.label)).toBe(true);
      // The note's unchanged opening chunk kept its vector.
      expect(after.some((c) => c.noteId === target.noteId && before.get(c.id) === c.label)).toBe(
        true,
      );
    });

    await test.step('wipe and rebuild from notes gives the same chunks and results', async () => {
      const before = new Set((await memory.chunks()).map((c) => c.id));
      const query = textOf((await memory.chunks()).find((c) => c.seq === 1)!);
      const resultsFor = async (): Promise<(string | null)[]> => {
        await goInApp(page, '/search');
        await search.mode.selectOption({ label: 'Meaning only' });
        await search.search(query);
        await expect(search.results.first()).toHaveAttribute('data-sources', 'semantic');
        const hrefs = await search.results.evaluateAll((links) =>
          links.map((a) => a.getAttribute('href')),
        );
        await search.search('');
        return hrefs;
      };
      const resultsBefore = await resultsFor();
      await memory.openSettingsInApp();
      await page.getByRole('button', { name: 'Wipe the index and rebuild from notes' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Wipe and rebuild' }).click();
      await expect(page.getByText('The semantic index was wiped')).toBeVisible();
      await memory.waitUpToDate(files);
      const after = await expectConverged(memory, files);
      expect(new Set(after.map((c) => c.id))).toEqual(before);
      // Every vector is new: labels start again from 1.
      expect(Math.max(...after.map((c) => c.label))).toBe(after.length);
      expect(await resultsFor()).toEqual(resultsBefore);
    });

    await test.step('offline, after a reload: the index restores and answers by meaning', async () => {
      const chunk = (await memory.chunks()).find((c) => c.seq === 0)!;
      await goInApp(page, '/search');
      await context.setOffline(true);
      await page.reload();
      await expect(search.input).toBeVisible();
      await search.mode.selectOption({ label: 'Meaning only' });
      await search.search(textOf(chunk));
      await expect(search.results.first()).toHaveAttribute('data-sources', 'semantic');
      await expect(page.getByTestId('semantic-notice')).toHaveCount(0);
      await context.setOffline(false);
    });
  });

  test('a tab closed mid-job resumes on the next start and converges', async ({
    page,
    context,
  }) => {
    test.setTimeout(patient(300_000));
    // 100 notes: enough that the tab closes with most still to embed (it closes at the first done),
    // and the slowest test in CI at 240.
    const { dir, files } = corpusSlice(25);
    const search = new SearchPage(page);
    const memory = new MemoryPage(page);
    await search.open();
    expect(await search.importFolder(join(dir, 'vault'))).toBe(files);
    rmSync(dir, { recursive: true, force: true });
    await memory.importTinyBert();
    // Close as soon as some notes are embedded and most are not.
    await expect
      .poll(async () => (await memory.jobs()).filter((j) => j.status === 'done').length, {
        timeout: patient(120_000),
        intervals: [50],
      })
      .toBeGreaterThan(0);
    const doneAtClose = (await memory.jobs()).filter((j) => j.status === 'done').length;
    await page.close();
    expect(doneAtClose).toBeLessThan(files);

    const next = await context.newPage();
    const reopened = new MemoryPage(next);
    await reopened.openSettings();
    await reopened.waitUpToDate(files);
    await expectConverged(reopened, files);
  });

  test('without an embedding model, search matches words and says so', async ({ page }) => {
    const { dir, files } = corpusSlice(3);
    const search = new SearchPage(page);
    await search.open();
    expect(await search.importFolder(join(dir, 'vault'))).toBe(files);
    rmSync(dir, { recursive: true, force: true });
    await search.search('history');
    await expect(page.getByTestId('semantic-notice')).toContainText(
      'Semantic search is off: no embedding model is installed',
    );
    await expect(search.results.first()).toHaveAttribute('data-sources', 'keyword');
    const memory = new MemoryPage(page);
    await memory.openSettings();
    await expect(page.getByTestId('memory-no-model')).toBeVisible();
  });
});
