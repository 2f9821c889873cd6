// Keyword search through the real UI and the real search worker, on two shapes of vault:
//  - tldr: the tldr pages (small notes, 4 languages);
//  - vault: a generated multilingual vault shaped like a real one (tests/fixtures/vault-generator.ts:
//    6,000 notes of ≈ 7.6 KB in 30 languages by default, HEARTH_BENCH_VAULT_NOTES to change).
// For each: import through the folder input; queries typed in the UI right after the import,
// and again after a reload with no saved index (while everything is re-indexed), timed from the
// input event to the answer in the page; then, after a reload from the saved snapshot, 200
// queries through a second worker: p50/p95 with snippets, and the same queries ranking only.
// Baselines measured in the same run: ranking only (no snippets, no body reads), a naive
// `includes` scan of every body on the main thread, and, when HEARTH_BENCH_BASELINE_DIST names
// another build (e.g. of the previous commit), that build's worker on the same generated vault.
// HEARTH_BENCH_SHAPES=vault runs one shape only; HEARTH_BENCH_REINDEX=0 skips the re-index from
// nothing; HEARTH_BENCH_RESTORE_RUNS (default 3) reloads that many times for the restore figure.
// No asserts on time.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { runnerImport } from 'vite';
import {
  launch,
  guard,
  corpusDir,
  corpusSource,
  importFolder,
  median,
  percentile,
  startPreview,
} from './harness.mjs';
import {
  dropSavedIndexInPage,
  naiveScanInPage,
  timeQueriesInPage,
  typeAndWaitInPage,
} from './search/page-probes.mjs';

const tldrCounts = { en: 60, prefix: 20, de: 40, ja: 40, zh: 40 };
const vaultSpec = { notes: Number(process.env.HEARTH_BENCH_VAULT_NOTES ?? 6_000), seed: 2024 };
const snippetLimit = 20;
const shapes = (process.env.HEARTH_BENCH_SHAPES ?? 'tldr,vault').split(',');
const reindexFromNothing = process.env.HEARTH_BENCH_REINDEX !== '0';
const restoreRuns = Number(process.env.HEARTH_BENCH_RESTORE_RUNS ?? 3);

/** A small seeded PRNG so every run asks the same questions. */
function random(seed) {
  let s = seed >>> 0;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

/** Words from the description lines (`> …`) of random tldr pages, per language. */
function tldrQueries() {
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
  for (let i = 0; i < tldrCounts.en; i++) {
    // A third are two-word queries, as people type them.
    queries.push({
      lang: 'en',
      kind: 'word',
      q: i % 3 === 0 ? `${pick(en)} ${pick(en)}` : pick(en),
    });
  }
  for (let i = 0; i < tldrCounts.prefix; i++) {
    queries.push({ lang: 'en', kind: 'prefix', q: pick(en).slice(0, 3 + (i % 3)) });
  }
  for (let i = 0; i < tldrCounts.de; i++) queries.push({ lang: 'de', kind: 'word', q: pick(de) });
  for (let i = 0; i < tldrCounts.ja; i++)
    queries.push({ lang: 'ja', kind: 'word', q: cjkQuery(ja) });
  for (let i = 0; i < tldrCounts.zh; i++)
    queries.push({ lang: 'zh', kind: 'word', q: cjkQuery(zh) });
  return queries;
}

async function generator() {
  const url = new URL('../tests/fixtures/vault-generator.ts', import.meta.url).pathname;
  const { module } = await runnerImport(url, { configFile: false, logLevel: 'warn' });
  return module;
}

const round = (x) => +x.toFixed(2);

function summarize(timings) {
  if (timings.length === 0) return { count: 0 };
  const ms = timings.map((t) => t.ms);
  return {
    count: ms.length,
    p50Ms: round(median(ms)),
    p95Ms: round(percentile(ms, 95)),
    maxMs: round(Math.max(...ms)),
  };
}

function groupedBy(timings, field) {
  const out = {};
  for (const value of [...new Set(timings.map((t) => t[field]))].sort())
    out[value] = summarize(timings.filter((t) => t[field] === value));
  return out;
}

/** Median time of each phase inside the worker (ranking, body reads, snippets). */
function phaseMedians(timings) {
  const withPhases = timings.filter((t) => t.phases);
  if (withPhases.length === 0) return null;
  const of = (key) => round(median(withPhases.map((t) => t.phases[key])));
  return { rankMs: of('rankMs'), readMs: of('readMs'), snippetMs: of('snippetMs') };
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

/**
 * Leaves the app for a plain same-origin document, so its own workers stop: the timed worker
 * then runs alone, as the app's one search worker does (both reading the vault's texts into
 * memory at once doubled the tails).
 */
async function leaveApp(page, url) {
  await page.goto(`${url}favicon.svg`);
}

const statusText = (page) => page.getByTestId('search-index-status').textContent();

/** Waits until the index holds every note, is not indexing, and has saved its snapshot. */
async function waitIndexedAndSaved(page, notes) {
  const all = `Index: ${notes.toLocaleString('en-US')} notes`;
  await page.waitForFunction(
    ([prefix]) => {
      const el = document.querySelector('[data-testid=search-index-status]');
      return el?.dataset.snapshot === 'saved' && (el.textContent ?? '').trim().startsWith(prefix);
    },
    [all],
    { timeout: 1_800_000, polling: 250 },
  );
}

/**
 * Types queries in the UI, one every ~250 ms, while the index catches up (and at least
 * `minProbes`): how fast answers come while indexing runs, and how much they covered.
 */
async function probeWhileIndexing(page, queries, minProbes = 12) {
  const started = Date.now();
  const probes = [];
  let caughtUpMs = null;
  for (let i = 0; probes.length < minProbes || caughtUpMs === null; i++) {
    const { q } = queries[i % queries.length];
    const probe = await page.evaluate(typeAndWaitInPage, q);
    probes.push({ q, ...probe });
    if (caughtUpMs === null && !/indexing/.test((await statusText(page)) ?? '')) {
      caughtUpMs = Date.now() - started;
    }
    if (Date.now() - started > 1_800_000) break;
    await sleep(250);
  }
  const during = probes.filter((p) => p.indexing || p.coverage);
  const after = probes.filter((p) => !p.indexing && !p.coverage);
  /** The count line's own figure: the worker's time, without queueing and rendering. */
  const workerOwn = (list) =>
    summarize(list.filter((p) => p.workerMs >= 0).map((p) => ({ ms: p.workerMs })));
  return {
    indexCaughtUpAfterMs: caughtUpMs,
    whileIndexing: {
      ...summarize(during),
      partialAnswers: during.filter((p) => p.coverage).length,
      workerOwn: workerOwn(during),
    },
    afterwards: { ...summarize(after), workerOwn: workerOwn(after) },
    examples: during.slice(0, 3).map((p) => `${p.q}: ${round(p.ms)} ms, ${p.coverage ?? 'full'}`),
  };
}

/** Reloads `restoreRuns` times: the app's own restore figure each time, with the load average. */
async function restoreFigures(page) {
  const out = [];
  for (let i = 0; i < restoreRuns; i++) {
    await page.reload();
    await page
      .getByText(/Index: [\d,]+ notes · (restored|built) in/)
      .waitFor({ timeout: 1_800_000 });
    const status = (await statusText(page))?.trim();
    const ms = Number(/in ([\d,]+) ms/.exec(status ?? '')?.[1]?.replace(/,/g, ''));
    out.push({ ms, status, load1: round(loadavg()[0]) });
  }
  return out;
}

/** Import, type right after it, re-index from nothing while typing, then steady-state timing. */
async function benchShape(browser, url, { dir, queries, uiQueries, naive }) {
  const context = await browser.newContext();
  const blocked = await guard(context);
  const page = await context.newPage();
  try {
    await page.goto(`${url}search`);
    const { added, ms: importMs } = await importFolder(page, dir, 1_800_000);
    await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();
    const afterImport = await probeWhileIndexing(page, uiQueries);
    await waitIndexedAndSaved(page, added);

    let reindex = null;
    if (reindexFromNothing) {
      // As on a first start after the index format changed: nothing saved, everything re-indexed.
      await page.evaluate(dropSavedIndexInPage);
      const reloadedAt = Date.now();
      await page.reload();
      const probes = await probeWhileIndexing(page, uiQueries);
      await waitIndexedAndSaved(page, added);
      const reindexMs = Date.now() - reloadedAt;
      reindex = {
        ...probes,
        totalMs: reindexMs,
        notesPerSecond: Math.round((added / reindexMs) * 1000),
      };
    }

    const appRestores = await restoreFigures(page);
    const appStatus = appRestores.at(-1).status;
    const workerUrl = await searchWorkerUrl(page);
    await leaveApp(page, url);
    const worker = await page.evaluate(timeQueriesInPage, {
      workerUrl,
      queries,
      limit: snippetLimit,
    });
    const naiveScan = naive ? await page.evaluate(naiveScanInPage, { queries }) : null;
    if (blocked.length) throw new Error(`requests left localhost: ${blocked.join(', ')}`);
    return {
      notes: added,
      queries: queries.length,
      importMs,
      typedRightAfterImport: afterImport,
      reindexFromNothing: reindex,
      search: {
        ...summarize(worker.timings),
        phasesP50: phaseMedians(worker.timings),
        byLanguage: groupedBy(worker.timings, 'lang'),
        byKind: groupedBy(worker.timings, 'kind'),
      },
      searchRightAfterStart: {
        ...summarize(worker.cold),
        phasesP50: phaseMedians(worker.cold),
        note: 'before the worker has read the texts into memory: most come from IndexedDB',
      },
      textsInMemoryAfterMs: worker.warmMs === null ? null : Math.round(worker.warmMs),
      baselineRankingOnlyNoSnippets: summarize(worker.rankingOnly),
      ...(naiveScan ? { baselineNaiveIncludes: summarize(naiveScan.timings) } : {}),
      restore: {
        appStatusAfterReload: appStatus,
        appRestoreMs: median(appRestores.map((r) => r.ms)),
        appRestoreRunsMs: appRestores.map((r) => r.ms),
        workerRestoreMs: round(worker.status.restoreMs),
        workerRestorePhasesMs: worker.status.restorePhases,
        searchableFromMainThreadMs: round(worker.searchableMs),
        firstSearchFromMainThreadMs: round(worker.firstSearchReadyMs),
        restoredFromSnapshot: worker.status.restoredFromSnapshot,
        reindexedOnStart: worker.status.reindexedOnStart,
      },
      snapshotBytes: worker.status.snapshotBytes,
      queriesWithHits: worker.timings.filter((t) => t.total > 0).length,
    };
  } finally {
    await context.close();
  }
}

/** Another build (HEARTH_BENCH_BASELINE_DIST) on the same vault: steady-state worker timing only. */
async function benchBaselineBuild(browser, server, dir, queries) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(`${server.url}search`);
    const started = Date.now();
    const { added } = await importFolder(page, dir, 1_800_000);
    await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();
    await waitIndexedAndSaved(page, added);
    const indexedAfterMs = Date.now() - started;
    const appRestores = await restoreFigures(page);
    const appStatus = appRestores.at(-1).status;
    const workerUrl = await searchWorkerUrl(page);
    await leaveApp(page, server.url);
    const worker = await page.evaluate(timeQueriesInPage, {
      workerUrl,
      queries,
      limit: snippetLimit,
    });
    return {
      importAndIndexMs: indexedAfterMs,
      searchFirstPass: summarize(worker.cold),
      search: { ...summarize(worker.timings), byKind: groupedBy(worker.timings, 'kind') },
      rankingOnlyNoSnippets: summarize(worker.rankingOnly),
      appStatusAfterReload: appStatus,
      appRestoreMs: median(appRestores.map((r) => r.ms)),
      appRestoreRunsMs: appRestores.map((r) => r.ms),
      workerRestoreMs: round(worker.status.restoreMs),
      workerRestorePhasesMs: worker.status.restorePhases,
      snapshotBytes: worker.status.snapshotBytes,
    };
  } finally {
    await context.close();
  }
}

export async function benchSearch(port = 4193, { outDir } = {}) {
  const loadAtStart = loadavg().map(round);
  const { writeVault, vaultQueries } = await generator();
  const vaultDir = mkdtempSync(join(tmpdir(), 'hearth-bench-vault-'));
  const written = writeVault(join(vaultDir, 'vault'), vaultSpec);
  let server = await startPreview(port, { outDir });
  const browser = await launch();
  try {
    const tldrQ = tldrQueries();
    const tldr = shapes.includes('tldr')
      ? await benchShape(browser, server.url, {
          dir: corpusDir,
          queries: tldrQ,
          uiQueries: tldrQ.slice(0, 40),
          naive: true,
        })
      : null;
    const vaultQ = vaultQueries({ seed: vaultSpec.seed }, 200);
    const vault = shapes.includes('vault')
      ? await benchShape(browser, server.url, {
          dir: join(vaultDir, 'vault'),
          queries: vaultQ,
          uiQueries: vaultQ.slice(0, 40),
          naive: true,
        })
      : null;
    server.stop();
    server = null;
    const baselineDist = process.env.HEARTH_BENCH_BASELINE_DIST;
    let baselineBuild = null;
    if (baselineDist) {
      // The same port once the first server is gone (another one could be taken); each shape in
      // a fresh browser context, so with storage of its own.
      await sleep(1_000);
      server = await startPreview(port, { outDir: baselineDist });
      baselineBuild = {
        build: baselineDist,
        tldr: shapes.includes('tldr')
          ? await benchBaselineBuild(browser, server, corpusDir, tldrQ)
          : null,
        vault: shapes.includes('vault')
          ? await benchBaselineBuild(browser, server, join(vaultDir, 'vault'), vaultQ)
          : null,
      };
    }
    return {
      loadAverage: { start: loadAtStart, end: loadavg().map(round) },
      corpus: corpusSource,
      generatedVault: {
        ...vaultSpec,
        megabytes: round(written.bytes / 1e6),
        meanNoteBytes: Math.round(written.bytes / written.notes),
        languages: written.languages,
      },
      tldr,
      vault,
      ...(baselineBuild ? { baselineBuild } : {}),
    };
  } finally {
    await browser.close();
    server?.stop();
    rmSync(vaultDir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const port = Number(process.env.HEARTH_BENCH_PORT ?? 4193);
  const outDir = process.env.HEARTH_OUT_DIR;
  console.log(JSON.stringify(await benchSearch(port, { outDir }), null, 2));
}
