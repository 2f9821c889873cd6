// Hearth at ten times the data (issue 13 part 3): a generated vault (tests/fixtures/vault-generator.ts)
// of HEARTH_SCALE_NOTES notes (default 100,000) against one of HEARTH_SCALE_BASELINE_NOTES (default
// 10,000), same seed and note size, in the same run. For each size:
//  - import through the app's folder input (the real import path), and the time until the keyword
//    index holds every note and has saved its snapshot;
//  - keyword restore: the app reloaded HEARTH_SCALE_RELOADS times (default 3), its own "restored in"
//    figure; with HEARTH_SCALE_BASELINE_DIST (another build, e.g. main's), that build is served on
//    the same port between this build's reloads and restores the same stored snapshot;
//  - the JS heap of the page and of each worker a few seconds after a reload (CDP, bench/scale/heap.mjs);
//  - keyword search p50/p95 over 200 fixed queries (vaultQueries) in a second search worker, with
//    snippets once it holds the texts, and ranking only (bench/search/page-probes.mjs);
//  - vector restore: the default index over the same number of synthesized 384-dim vectors (the
//    "shared mean direction" shape, closest to real sentence embeddings; no model runs), saved to
//    IndexedDB and restored through the app's repository and index code (bench/vector.bench.mjs).
// Notes are HEARTH_SCALE_NOTE_BYTES long on average (default 1,500: a vault of many small notes;
// the generator's default of 7,600 makes 100k notes 760 MB). The service worker is blocked so that
// two builds can be served on one origin. Prints JSON; no asserts on time.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { runnerImport } from 'vite';
import { guard, launch, machine, median, percentile, startPreview } from './harness.mjs';
import { timeQueriesInPage } from './search/page-probes.mjs';
import { heapsOf } from './scale/heap.mjs';
import { waitIndexedAndSaved } from './scale/index-status.mjs';
import { benchVector } from './vector.bench.mjs';

const env = process.env;
const sizes = [
  Number(env.HEARTH_SCALE_BASELINE_NOTES ?? 10_000),
  Number(env.HEARTH_SCALE_NOTES ?? 100_000),
];
const meanNoteBytes = Number(env.HEARTH_SCALE_NOTE_BYTES ?? 1_500);
const reloads = Number(env.HEARTH_SCALE_RELOADS ?? 3);
const seed = 2024;
const round = (x, digits = 1) => +x.toFixed(digits);
const load = () => loadavg().map((x) => round(x, 2));

async function generator() {
  const url = new URL('../tests/fixtures/vault-generator.ts', import.meta.url).pathname;
  const { module } = await runnerImport(url, { configFile: false, logLevel: 'warn' });
  return module;
}

const statusText = async (page) =>
  ((await page.getByTestId('search-index-status').textContent()) ?? '').trim();

/** The harness's import, without its 30 s limit on handing 100k files to the input. */
async function importFolder(page, dir) {
  const started = Date.now();
  await page.setInputFiles('[data-testid=import-folder-input]', dir, { timeout: 0 });
  await page.getByTestId('import-added').waitFor({ timeout: 3_600_000 });
  const added = Number((await page.getByTestId('import-added').textContent()).replace(/\D/g, ''));
  return { added, ms: Date.now() - started };
}

/** Reloads and reads the app's own restore figure, with the load average at that moment. */
async function reloadAndRestore(page) {
  await page.reload();
  await page.getByText(/Index: [\d,]+ notes · (restored|built) in/).waitFor({ timeout: 600_000 });
  const status = await statusText(page);
  const ms = Number(/in ([\d,]+) ms/.exec(status)?.[1]?.replace(/,/g, ''));
  return { ms, load1: round(loadavg()[0], 2) };
}

async function searchWorkerUrl(page) {
  const handle = await page.waitForFunction(() =>
    performance
      .getEntriesByType('resource')
      .map((e) => e.name)
      .find((name) => /search\.worker[^/]*\.js$/.test(name)),
  );
  return handle.jsonValue();
}

function summary(timings) {
  const ms = timings.map((t) => t.ms);
  return { count: ms.length, p50Ms: round(median(ms), 2), p95Ms: round(percentile(ms, 95), 2) };
}

async function benchSize(browser, notes, { port, outDir, baselineDist, queries }) {
  const vaultDir = mkdtempSync(join(tmpdir(), 'hearth-scale-'));
  const { writeVault } = await generator();
  const written = writeVault(join(vaultDir, 'vault'), { notes, seed, meanNoteBytes });
  let server = await startPreview(port, { outDir });
  const context = await browser.newContext({ serviceWorkers: 'block' });
  const blocked = await guard(context);
  const page = await context.newPage();
  try {
    await page.goto(`${server.url}search`);
    const loadAtImport = load();
    const { added, ms: importMs } = await importFolder(page, join(vaultDir, 'vault'));
    await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();
    const importedAt = Date.now();
    await waitIndexedAndSaved(page, added);
    const indexedAndSavedMs = Date.now() - importedAt;
    // One reload first: the restore after the import's session, not measured.
    await reloadAndRestore(page);
    const restores = { thisBuild: [], baselineBuild: [] };
    for (let i = 0; i < reloads; i++) {
      restores.thisBuild.push(await reloadAndRestore(page));
      if (!baselineDist) continue;
      server.stop();
      await sleep(500);
      server = await startPreview(port, { outDir: baselineDist });
      restores.baselineBuild.push(await reloadAndRestore(page));
      server.stop();
      await sleep(500);
      server = await startPreview(port, { outDir });
    }
    await reloadAndRestore(page);
    // After start: the restore done and its postings read, before any search.
    await sleep(5_000);
    const heap = await heapsOf(page);
    const workerUrl = await searchWorkerUrl(page);
    await page.goto(`${server.url}favicon.svg`);
    const worker = await page.evaluate(timeQueriesInPage, { workerUrl, queries, limit: 20 });
    if (blocked.length) throw new Error(`requests left localhost: ${blocked.join(', ')}`);
    const figure = (runs) =>
      runs.length === 0 ? null : { medianMs: median(runs.map((r) => r.ms)), runs };
    return {
      notes: added,
      megabytes: round(written.bytes / 1e6),
      languages: written.languages,
      loadAtImport,
      importMs,
      indexedAndSavedAfterImportMs: indexedAndSavedMs,
      keywordRestore: {
        thisBuild: figure(restores.thisBuild),
        baselineBuild: figure(restores.baselineBuild),
        secondWorker: {
          restoreMs: round(worker.status.restoreMs),
          phasesMs: Object.fromEntries(
            Object.entries(worker.status.restorePhases).map(([k, v]) => [k, round(v)]),
          ),
          restoreCheck: worker.status.restoreCheck ?? null,
          reindexedOnStart: worker.status.reindexedOnStart,
        },
        snapshotBytes: worker.status.snapshotBytes,
      },
      keywordSearch: {
        withSnippets: summary(worker.timings),
        rankingOnly: summary(worker.rankingOnly),
        rightAfterStart: summary(worker.cold),
        textsInMemoryAfterMs: worker.warmMs === null ? null : Math.round(worker.warmMs),
        queriesWithHits: worker.timings.filter((t) => t.total > 0).length,
      },
      heapAfterStart: heap,
      loadAtEnd: load(),
    };
  } finally {
    await context.close();
    server.stop();
    rmSync(vaultDir, { recursive: true, force: true });
  }
}

async function vectorRestores(port) {
  const runs = sizes.map((size) => ({
    shape: 'mean',
    size,
    kinds: [],
    levers: false,
    persist: true,
  }));
  const result = await benchVector(port, { queries: 100, runs });
  const restoreFields = ['kind', 'buildMs', 'p50Ms', 'recallAt10', 'serializeMs', 'idbWriteMs'];
  const pick = (row) =>
    Object.fromEntries(
      [
        ...restoreFields,
        'idbReadMs',
        'restoreFromIdbMs',
        'snapshotBytes',
        'restoredSearchIdentical',
      ]
        .filter((key) => key in row)
        .map((key) => [key, row[key]]),
    );
  return {
    defaultIndexKind: result.defaultIndexKind,
    loadAfter: load(),
    runs: result.runs.map((run) => ({
      shape: run.shape,
      vectors: run.vectors,
      indexes: run.results.map(pick),
    })),
  };
}

export async function benchScale(port, { outDir, baselineDist } = {}) {
  const loadAtStart = load();
  const { vaultQueries } = await generator();
  const queries = vaultQueries({ seed }, 200);
  // Each part is also written to stderr as it ends, so a run cut short keeps what it measured.
  const report = (name, value) =>
    process.stderr.write(`[scale] ${name} ${JSON.stringify(value)}\n`);
  const vectors = env.HEARTH_SCALE_VECTORS === '0' ? null : await vectorRestores(port);
  report('vectors', vectors);
  const browser = await launch();
  const keyword = {};
  try {
    for (const notes of sizes) {
      keyword[notes] = await benchSize(browser, notes, { port, outDir, baselineDist, queries });
      report(`keyword ${notes}`, keyword[notes]);
    }
  } finally {
    await browser.close();
  }
  return {
    machine: await machine(),
    loadAverage: { start: loadAtStart, end: load() },
    sizes,
    meanNoteBytes,
    build: outDir ?? 'dist',
    baselineBuild: baselineDist ?? null,
    keyword,
    vectors,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const port = Number(env.HEARTH_BENCH_PORT ?? 4196);
  const result = await benchScale(port, {
    outDir: env.HEARTH_OUT_DIR,
    baselineDist: env.HEARTH_SCALE_BASELINE_DIST,
  });
  console.log(JSON.stringify(result, null, 2));
}
