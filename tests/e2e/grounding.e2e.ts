// "Ask your notes" in real Chromium: a vault of tldr pages and journal entries, the generated tiny
// Llama answering, first with no embedding model (keyword side only) and then with the tiny BERT.
// The tiny model's words are random, so the tests check what is deterministic: the Sources list
// against retrieve() asked of the real workers, the inspector against the request the engine
// worker received, scopes, the question's date, and that hostile note titles stay text.
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from '@playwright/test';
import { test, expect } from './fixtures';
import { ChatPage, importTinyLlama } from './pages/chat-page';
import { SearchPage } from './pages/search-page';
import { MemoryPage, goInApp } from './pages/memory-page';
import {
  appWorker,
  recordChatRequests,
  recordedChatRequests,
  workerCall,
} from './pages/worker-rpc';
import { readAll } from './idb';
import { patient } from './patience';
import { corpusDir } from '../fixtures/corpus';
import { retrieveWith, type RetrieveClients } from '../../src/lib/search/retrieve-with';
import { filtersFor, retrievalQuery } from '../../src/lib/assistant/grounding-scope';
import { passagesAsked } from '../../src/lib/assistant/ground-question';
import { layoutPrompt } from '../../src/lib/assistant/prompt-layout';
import { utf8UpperBound } from '../../src/lib/assistant/token-count';
import { answerBudget } from '../../src/lib/assistant/answer-budget';
import { parseDatePhrase, type ParsedDate } from '../../src/lib/assistant/date-phrases';
import type { GroundingScope } from '../../src/lib/assistant/grounding-types';
import type { ChatMessage } from '../../src/lib/llm/types';

const ANSWER_TOKENS = 24;
const PAGES = ['tar.md', 'zip.md', 'git-archive.md', 'alias.md', 'curl.md', 'age.md'];
const XSS_TITLE = '<img src=x onerror="window.__pwned=1">Sleep log';
const XSS_BODY = '<script>window.__pwned=2</script> sleep <svg onload="window.__pwned=3">';

const day = (iso: string, offset: number): string =>
  new Date(Date.parse(`${iso}T00:00:00Z`) + offset * 86_400_000).toISOString().slice(0, 10);

/** Today's "last week" as the app will read it (the browser runs in UTC, en-GB). */
const LAST_WEEK_Q = 'What did I write last week about sleep?';
const lastWeek = parseDatePhrase(LAST_WEEK_Q, new Date(), 'UTC', 'en-GB') as ParsedDate;
const range = lastWeek.query as { kind: 'range'; from: string; to: string };
const inWeek = [range.from, day(range.from, 2)];
const before = day(range.from, -20);

function makeVault(): { dir: string; files: number } {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-ground-'));
  const root = join(dir, 'vault');
  mkdirSync(join(root, 'pages'), { recursive: true });
  mkdirSync(join(root, 'journal'), { recursive: true });
  for (const name of PAGES)
    cpSync(join(corpusDir, 'pages', 'common', name), join(root, 'pages', name));
  for (const [i, date] of [...inWeek, before].entries()) {
    writeFileSync(
      join(root, 'journal', `${date}.md`),
      `# ${date}\n\nSlept badly again, sleep entry ${i}. Walked by the river.\n`,
    );
  }
  writeFileSync(
    join(root, 'health.md'),
    '---\ntags: [health]\n---\n# Health notes\n\nSleep hygiene: no screens after ten.\n',
  );
  writeFileSync(
    join(root, 'xss.md'),
    `---\ntitle: '${XSS_TITLE}'\n---\n\n${XSS_BODY}\n\nMore about sleep and dreams.\n`,
  );
  return { dir, files: PAGES.length + 3 + 2 };
}

/** The app's search and memory workers, reached from the test (see worker-rpc.ts). */
function clientsOf(search: Worker, memory: Worker): RetrieveClients {
  return {
    search: { call: (method, args) => workerCall(search, method, args) },
    memory: {
      call: ((method: string, args: unknown) => workerCall(memory, method, args)) as never,
    },
  };
}

interface ShownSource {
  n: string | null;
  title: string;
  href: string | null;
}

async function shownSources(chat: ChatPage): Promise<ShownSource[]> {
  const items = chat.answer().getByTestId('answer-source');
  const out: ShownSource[] = [];
  for (const item of await items.all()) {
    out.push({
      n: await item.getAttribute('data-n'),
      title: ((await item.getByTestId('source-title').textContent()) ?? '').trim(),
      href: await item.getByTestId('source-link').getAttribute('href'),
    });
  }
  return out;
}

test.describe('ask your notes', () => {
  // The patience fixture stretches this by the load; stretching it here too squared the factor.
  test.describe.configure({ timeout: 420_000 });

  test('sources come from retrieve() within the budget, open the passage, match the inspector; scopes, dates, off, XSS; then with an embedding model', async ({
    page,
  }) => {
    const { dir, files } = makeVault();
    const chat = new ChatPage(page);
    const search = new SearchPage(page);
    await importTinyLlama(page, ANSWER_TOKENS);
    await search.open();
    expect(await search.importFolder(join(dir, 'vault'))).toBe(files);
    rmSync(dir, { recursive: true, force: true });

    /** Waits until `worker` searches the whole vault, not titles while its index restores. */
    async function wholeIndex(worker: Worker): Promise<Worker> {
      await expect
        .poll(
          async () => {
            const r = await workerCall<{ indexedCount: number; noteCount: number }>(
              worker,
              'search',
              { query: 'sleep', limit: 1 },
            );
            return r.indexedCount === files && r.noteCount === files;
          },
          { timeout: patient(60_000) },
        )
        .toBe(true);
      return worker;
    }
    let clients = clientsOf(
      await wholeIndex(await appWorker(page, /search\.worker/)),
      await appWorker(page, /memory\.worker/),
    );
    const [model] = await readAll<{ spec: { contextWindow: number | null } }>(page, 'models');
    const budget = answerBudget(model?.spec.contextWindow ?? null, ANSWER_TOKENS);

    page.on('worker', (w) => {
      if (/llm-transformers/.test(w.url())) void recordChatRequests(w).catch(() => undefined);
    });

    /** Opens a new chat, optionally scoped, and asks `question`; waits for the answer. */
    async function ask(question: string, setup?: () => Promise<void>): Promise<void> {
      await goInApp(page, '/chat');
      await expect(chat.log).toBeVisible();
      await expect(chat.messages).toHaveCount(0);
      if (setup) await setup();
      await chat.send(question);
      await chat.waitForAnswer('done', 120_000);
    }

    /** What retrieve() gives for the question in `scope`, kept by the layout for this budget. */
    async function expected(
      question: string,
      scope: GroundingScope,
      date: ParsedDate | null,
      phrase: ParsedDate | null = date,
    ) {
      const filters = filtersFor(scope, date?.query ?? null);
      expect(filters).toHaveLength(1);
      const query = retrievalQuery(question, phrase) || question;
      const found = await retrieveWith(clients, query, { k: passagesAsked, filters: filters[0] });
      const layout = layoutPrompt({
        persona: '',
        systemPrompt: '',
        memories: [],
        passages: found.chunks.map((c) => ({
          id: c.chunkId,
          title: c.title,
          headingPath: c.headingPath,
          date: c.date,
          text: c.text,
        })),
        attachments: [],
        history: [],
        question,
        ...budget,
        counter: utf8UpperBound,
      });
      const byId = new Map(found.chunks.map((c) => [c.chunkId, c]));
      const sources = layout.kept.passages.map(({ id, n }) => {
        const c = byId.get(id)!;
        return { n: String(n), title: c.title, href: `/notes/${c.noteId}?at=${c.start}-${c.end}` };
      });
      return {
        sources,
        semantic: found.semantic,
        chunks: layout.kept.passages.map((p) => byId.get(p.id)!),
      };
    }

    /** Opens the chat's "Notes" panel (it stays open across chats). */
    async function groundingPanel() {
      const panel = page.getByTestId('chat-grounding');
      if (!(await panel.evaluate((d) => (d as HTMLDetailsElement).open)))
        await panel.locator('summary').click();
      return panel;
    }

    async function setScope(label: string, value?: { field: string; text: string }) {
      const panel = await groundingPanel();
      await panel.getByRole('combobox', { name: 'Notes to search' }).selectOption({ label });
      if (value) {
        const field = panel.getByRole('textbox', { name: value.field });
        await field.fill(value.text);
        await field.press('Tab');
      }
    }

    const QUESTION = 'Show me a compressed archive';

    await test.step('keyword only: sources equal retrieve() in the budget, with the notice', async () => {
      await ask(QUESTION);
      const want = await expected(QUESTION, { kind: 'all' }, null);
      expect(want.semantic).toBe(false);
      expect(want.sources.length).toBeGreaterThan(0);
      expect(await shownSources(chat)).toEqual(want.sources);
      await expect(chat.answer().getByTestId('grounding-keyword-only')).toBeVisible();
      await expect(chat.answer().getByTestId('grounding-no-match')).toHaveCount(0);
    });

    await test.step('the inspector shows exactly the request the engine worker received', async () => {
      const engine = await appWorker(page, /llm-transformers/);
      await recordChatRequests(engine);
      // Asked again so the recording (started once the worker existed) sees it.
      await ask(QUESTION);
      const received = await recordedChatRequests<{ messages: ChatMessage[] }>(engine);
      const last = received.at(-1)!;
      expect(last.messages[0]?.content).toContain("Sources from the user's notes:");
      const inspector = chat.answer().getByTestId('context-inspector');
      await inspector.locator('summary').click();
      const shown = inspector.getByTestId('inspector-message');
      await expect(shown).toHaveCount(last.messages.length);
      const texts = await shown.evaluateAll((nodes) =>
        nodes.map((n) => ({ role: n.getAttribute('data-role'), content: n.textContent })),
      );
      expect(texts).toEqual(last.messages.map((m) => ({ role: m.role, content: m.content })));
      // Survives a reload: the sources and the request were stored with the answer.
      const before = await shownSources(chat);
      await page.reload();
      await expect(chat.answers).toHaveCount(1);
      expect(await shownSources(chat)).toEqual(before);
      // The reload started new workers.
      await expect.poll(() => page.workers().length).toBeGreaterThanOrEqual(2);
      // Expected sources are computed from the whole index, so wait for its restore to finish.
      clients = clientsOf(
        await wholeIndex(await appWorker(page, /search\.worker/)),
        await appWorker(page, /memory\.worker/),
      );
    });

    await test.step('a source opens its note with the passage selected', async () => {
      const want = await expected(QUESTION, { kind: 'all' }, null);
      const first = want.chunks[0]!;
      await chat.answer().getByTestId('source-link').first().click();
      await expect(page).toHaveURL(`/notes/${first.noteId}?at=${first.start}-${first.end}`);
      const textarea = page.getByRole('textbox', { name: 'Note text' });
      await expect
        .poll(() =>
          textarea.evaluate((t: HTMLTextAreaElement) => [t.selectionStart, t.selectionEnd]),
        )
        .toEqual([first.start, first.end]);
    });

    await test.step('scoped to the journal, and to a tag', async () => {
      const q = 'Notes about sleep';
      await ask(q, () => setScope('Journal only'));
      const journal = await expected(q, { kind: 'journal' }, null);
      expect(journal.chunks.length).toBe(3);
      expect(journal.chunks.every((c) => c.kind === 'journal')).toBe(true);
      expect(await shownSources(chat)).toEqual(journal.sources);

      await ask(q, () => setScope('A tag', { field: 'Tag', text: 'health' }));
      const tagged = await expected(q, { kind: 'tag', tag: 'health' }, null);
      expect(tagged.chunks.map((c) => c.title)).toEqual(['Health notes']);
      expect(await shownSources(chat)).toEqual(tagged.sources);
    });

    await test.step('"last week" is read, shown, applied, and removable', async () => {
      await goInApp(page, '/chat');
      await chat.input.fill(LAST_WEEK_Q);
      const chip = page.getByTestId('date-chip');
      await expect(chip).toContainText(lastWeek.label);
      await chat.sendButton.click();
      await chat.waitForAnswer('done', 120_000);
      await expect(chat.answer().getByTestId('grounding-date')).toContainText(lastWeek.label);
      const dated = await expected(LAST_WEEK_Q, { kind: 'all' }, lastWeek);
      expect(dated.chunks.map((c) => c.date).sort()).toEqual(inWeek);
      expect(await shownSources(chat)).toEqual(dated.sources);

      await goInApp(page, '/chat');
      await expect(chat.messages).toHaveCount(0);
      await chat.input.fill(LAST_WEEK_Q);
      await chip.getByRole('button', { name: 'Remove the date filter' }).click();
      await expect(chip).toHaveCount(0);
      await chat.sendButton.click();
      await chat.waitForAnswer('done', 120_000);
      await expect(chat.answer().getByTestId('grounding-date')).toHaveCount(0);
      // The date's words are still not searched for, but nothing is filtered by date any more.
      expect(retrievalQuery(LAST_WEEK_Q, lastWeek)).toBe('sleep');
      const undated = await expected(LAST_WEEK_Q, { kind: 'all' }, null, lastWeek);
      expect(undated.chunks.some((c) => c.date === before)).toBe(true);
      expect(await shownSources(chat)).toEqual(undated.sources);
    });

    await test.step('hostile titles and snippets in sources stay text', async () => {
      await ask('sleep and dreams');
      const sources = chat.answer().getByTestId('answer-source');
      await expect(sources.getByTestId('source-title')).toContainText([XSS_TITLE]);
      expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();
      await expect(chat.answer().locator('img, script, svg')).toHaveCount(0);
    });

    await test.step('nothing relevant: said so, no sources', async () => {
      await ask('xylophone quantum marmalade');
      await expect(chat.answer().getByTestId('grounding-no-match')).toBeVisible();
      await expect(chat.answer().getByTestId('answer-source')).toHaveCount(0);
    });

    await test.step('"Use my notes" off: no sources, and the prompt has none', async () => {
      const engine = await appWorker(page, /llm-transformers/);
      await recordChatRequests(engine);
      await ask(QUESTION, async () => {
        const panel = await groundingPanel();
        await panel.getByRole('checkbox', { name: 'Use my notes' }).uncheck();
        await expect(page.getByTestId('grounding-summary')).toHaveText('off');
      });
      await expect(chat.answer().getByTestId('answer-sources')).toHaveCount(0);
      const last = (await recordedChatRequests<{ messages: ChatMessage[] }>(engine)).at(-1)!;
      expect(last.messages).toEqual([{ role: 'user', content: QUESTION }]);
    });

    await test.step('with an embedding model: semantic and keyword, no notice', async () => {
      const memory = new MemoryPage(page);
      await memory.importTinyBert();
      await memory.openSettingsInApp();
      await memory.waitUpToDate(files);
      await ask(QUESTION);
      const want = await expected(QUESTION, { kind: 'all' }, null);
      expect(want.semantic).toBe(true);
      expect(await shownSources(chat)).toEqual(want.sources);
      await expect(chat.answer().getByTestId('grounding-keyword-only')).toHaveCount(0);
    });
  });
});
