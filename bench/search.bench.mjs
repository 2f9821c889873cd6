// Keyword search over the whole tldr corpus imported through the real UI: query latency through
// the search worker as seen from the main thread (p50/p95), index restore after a reload, and
// snapshot size. Baseline in the same run: a naive `String.includes` scan over every body on the
// page's main thread, for the same queries. No asserts on time.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  launch,
  guard,
  corpusDir,
  importCorpus,
  median,
  percentile,
  startPreview,
} from './harness.mjs';

const queryCounts = { en: 60, prefix: 20, de: 40, ja: 40, zh: 40 };

/** A small seeded PRNG so every run asks the same questions. */
function random(seed) {
  let s = seed >>> 0;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

/** Words from the description lines (`> …`) of random pages, per language. */
function makeQueries() {
  const rand = random(42);
  const pick = (list) => list[Math.floor(rand() * list.length)];
  const descriptions = (dir) =>
    readdirSync(join(corpusDir, dir, 'common'))
      .map((f) => readFileSync(join(corpusDir, dir, 'common', f), 'utf8'))
      .map((text) => text.split('\n').find((l) => l.startsWith('> ')) ?? '')
      .filter(Boolean);
  const latinWords = (lines) =>
    lines.flatMap((l) => l.slice(2).match(/\p{L}{5,}/gu) ?? []).filter((w) => !/^http/.test(w));
  const cjkPieces = (lines) =>
    lines.flatMap((l) => l.match(/[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}ー]{2,}/gu) ?? []);
  const en = latinWords(descriptions('pages'));
  const de = latinWords(descriptions('pages.de'));
  const ja = cjkPieces(descriptions('pages.ja'));
  const zh = cjkPieces(descriptions('pages.zh'));
  const cjkQuery = (list) => {
    const run = [...pick(list)];
    const len = Math.min(run.length, 2 + Math.floor(rand() * 3));
    const at = Math.floor(rand() * (run.length - len + 1));
    return run.slice(at, at + len).join('');
  };
  const queries = [];
  for (let i = 0; i < queryCounts.en; i++) {
    // A third are two-word queries, as people type them.
    queries.push({ lang: 'en', q: i % 3 === 0 ? `${pick(en)} ${pick(en)}` : pick(en) });
  }
  for (let i = 0; i < queryCounts.prefix; i++) {
    queries.push({ lang: 'prefix', q: pick(en).slice(0, 3 + (i % 3)) });
  }
  for (let i = 0; i < queryCounts.de; i++) queries.push({ lang: 'de', q: pick(de) });
  for (let i = 0; i < queryCounts.ja; i++) queries.push({ lang: 'ja', q: cjkQuery(ja) });
  for (let i = 0; i < queryCounts.zh; i++) queries.push({ lang: 'zh', q: cjkQuery(zh) });
  return queries;
}

/** Runs in the page: a second search worker speaking the RPC protocol directly. */
async function timeQueriesInPage({ workerUrl, queries }) {
  const worker = new Worker(workerUrl, { type: 'module' });
  let nextId = 1;
  const pending = new Map();
  const started = performance.now();
  const ready = new Promise((resolve) => {
    worker.addEventListener('message', ({ data }) => {
      if (data.kind === 'ready') resolve();
      if (data.kind !== 'response') return;
      const done = pending.get(data.id);
      pending.delete(data.id);
      if (data.ok) done.resolve(data.result);
      else done.reject(new Error(data.error.message));
    });
  });
  await ready;
  const call = (method, args) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      worker.postMessage({ kind: 'request', id, method, args });
    });
  // The first search waits for the index: restore as the main thread sees it.
  await call('search', { query: 'warmup', limit: 1 });
  const firstSearchReadyMs = performance.now() - started;
  const status = await call('status', undefined);
  for (const { q } of queries.slice(0, 20)) await call('search', { query: q, limit: 20 });
  const timings = [];
  for (const { lang, q } of queries) {
    const t0 = performance.now();
    const { total } = await call('search', { query: q, limit: 20 });
    timings.push({ lang, ms: performance.now() - t0, total });
  }
  // The same queries without snippets: the index alone, no body reads from IndexedDB.
  const rankingOnly = [];
  for (const { lang, q } of queries) {
    const t0 = performance.now();
    const { total } = await call('search', { query: q, limit: 0 });
    rankingOnly.push({ lang, ms: performance.now() - t0, total });
  }
  worker.terminate();
  return { firstSearchReadyMs, status, timings, rankingOnly };
}

/** Runs in the page: every body in memory, then a lower-cased `includes` scan per query word. */
async function naiveScanInPage({ queries }) {
  const db = await new Promise((resolve, reject) => {
    const request = indexedDB.open('hearth');
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const bodies = await new Promise((resolve, reject) => {
    const request = db.transaction('bodies').objectStore('bodies').getAll();
    request.onsuccess = () => resolve(request.result.map((b) => b.content.toLowerCase()));
    request.onerror = () => reject(request.error);
  });
  db.close();
  const timings = [];
  for (const { lang, q } of queries) {
    const words = q.toLowerCase().split(/\s+/).filter(Boolean);
    const t0 = performance.now();
    let total = 0;
    for (const body of bodies) if (words.every((w) => body.includes(w))) total++;
    timings.push({ lang, ms: performance.now() - t0, total });
  }
  return { timings };
}

const summarize = (timings) => {
  const ms = timings.map((t) => t.ms);
  const round = (x) => +x.toFixed(2);
  return {
    p50Ms: round(median(ms)),
    p95Ms: round(percentile(ms, 95)),
    maxMs: round(Math.max(...ms)),
  };
};

function byLanguage(timings) {
  const out = {};
  for (const lang of Object.keys(queryCounts))
    out[lang] = summarize(timings.filter((t) => t.lang === lang));
  return out;
}

async function searchWorkerUrl(page) {
  await page.getByTestId('search-index-status').waitFor();
  const handle = await page.waitForFunction(() =>
    performance
      .getEntriesByType('resource')
      .map((e) => e.name)
      .find((name) => /search\.worker[^/]*\.js$/.test(name)),
  );
  return handle.jsonValue();
}

export async function benchSearch(port = 4193) {
  const queries = makeQueries();
  const server = await startPreview(port);
  const browser = await launch();
  try {
    const context = await browser.newContext();
    const blocked = await guard(context);
    const page = await context.newPage();
    await page.goto(`${server.url}search`);
    const importStarted = Date.now();
    const { added, ms: importMs } = await importCorpus(page);
    await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();

    // The app's own worker has indexed the import and saved a snapshot.
    const status = page.getByTestId('search-index-status');
    const indexedAll = new RegExp(`Index: ${added.toLocaleString('en-US')} notes`);
    await page.waitForFunction(
      ([selector, source]) => {
        const el = document.querySelector(selector);
        return el?.dataset.snapshot === 'saved' && new RegExp(source).test(el.textContent ?? '');
      },
      ['[data-testid=search-index-status]', indexedAll.source],
      { timeout: 900_000, polling: 250 },
    );
    const indexFollowedImportMs = Date.now() - importStarted;

    await page.reload();
    await status.waitFor();
    await page.getByText(/Index: [\d,]+ notes · (restored|built) in/).waitFor({ timeout: 600_000 });
    const appStatus = (await status.textContent())?.trim();
    const workerUrl = await searchWorkerUrl(page);
    const worker = await page.evaluate(timeQueriesInPage, { workerUrl, queries });
    const naive = await page.evaluate(naiveScanInPage, { queries });
    if (blocked.length) throw new Error(`requests left localhost: ${blocked.join(', ')}`);
    const agree = worker.timings.filter((t, i) => t.total > 0 === naive.timings[i].total > 0);
    return {
      notes: added,
      queries: queries.length,
      importMs,
      indexFollowedImportMs,
      search: { ...summarize(worker.timings), byLanguage: byLanguage(worker.timings) },
      searchRankingOnlyNoSnippets: summarize(worker.rankingOnly),
      baselineNaiveIncludes: { ...summarize(naive.timings), byLanguage: byLanguage(naive.timings) },
      restore: {
        appStatusAfterReload: appStatus,
        appRestoreMs: Number(/in ([\d,]+) ms/.exec(appStatus ?? '')?.[1]?.replace(/,/g, '')),
        reindexedOnStart: worker.status.reindexedOnStart,
        workerRestoreMs: +worker.status.restoreMs.toFixed(1),
        firstSearchFromMainThreadMs: +worker.firstSearchReadyMs.toFixed(1),
        restoredFromSnapshot: worker.status.restoredFromSnapshot,
      },
      snapshotBytes: worker.status.snapshotBytes,
      queriesWithHits: worker.timings.filter((t) => t.total > 0).length,
      queriesAgreeingWithNaiveOnAnyHit: agree.length,
    };
  } finally {
    await browser.close();
    server.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(
    JSON.stringify(await benchSearch(Number(process.env.HEARTH_BENCH_PORT ?? 4193)), null, 2),
  );
}
