// Semantic-memory ingest through the real UI: notes imported from the tldr corpus, an embedding
// model imported on the Models page, indexing watched on Settings until "Up to date". Two runs:
//  1. the tiny BERT fixture (model compute nearly free): notes/s and chunks/s of Hearth's own
//     pipeline, and the longest main-thread task while indexing; baseline: the same page idle for
//     as long as indexing took.
//  2. a real-shape model (bge-small, int8, random weights) on a small slice: the pipeline's
//     chunks/s against the raw model's on the same chunk texts in the same run (a bench page on the
//     same origin embeds them with loadEmbedder directly). Both exclude the model's first load and
//     first batch. Reports, never asserts.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { build } from 'vite';
import { corpusDir, guard, launch, machine, startPreview } from './harness.mjs';
import { mainThreadMs } from './llm-page.mjs';
import {
  countStore,
  indexWatch,
  installLongTaskProbe,
  longTasksBetween,
  startIndexWatch,
} from './ingest/page-probes.mjs';

export const ingestBenchConfig = {
  tiny: { pages: 1000, 'pages.de': 100, 'pages.ja': 100, 'pages.zh': 100 },
  real: { shape: 'bge-small', dtype: 'q8', notes: { pages: 45, 'pages.de': 5, 'pages.ja': 5, 'pages.zh': 5 } },
  /** The indexer's chunks per embed() call (src/lib/search/indexer.ts `embedBatch`). */
  indexerBatch: 8,
  wideBatch: 32,
  indexTimeoutMs: 600_000,
};

const round = (x, digits = 1) => +x.toFixed(digits);
const outDir = process.env.HEARTH_INGEST_OUT_DIR ?? 'bench/out/ingest-site';

/** The first `count` pages of each language (name order) copied into a temp vault folder. */
function corpusSlice(perLanguage) {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-ingest-'));
  let files = 0;
  for (const [lang, count] of Object.entries(perLanguage)) {
    const from = join(corpusDir, lang, 'common');
    const names = readdirSync(from).filter((n) => n.endsWith('.md')).sort().slice(0, count);
    mkdirSync(join(dir, 'vault', lang), { recursive: true });
    for (const name of names) cpSync(join(from, name), join(dir, 'vault', lang, name));
    files += names.length;
  }
  return { dir, vault: join(dir, 'vault'), files };
}

function generateModel(dir, args = []) {
  execFileSync(process.execPath, ['tests/fixtures/generate-tiny-bert.mjs', dir, ...args], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return dir;
}

/** Imports the notes through the folder input and waits until the keyword index has settled. */
async function importNotes(page, url, vault) {
  await page.goto(`${url}search`);
  const started = Date.now();
  await page.setInputFiles('[data-testid=import-folder-input]', vault);
  await page.getByTestId('import-added').waitFor({ timeout: 120_000 });
  const importMs = Date.now() - started;
  const added = Number((await page.getByTestId('import-added').textContent()).replace(/\D/g, ''));
  await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();
  // Keyword indexing would share the CPU with the embedding run: let it finish first.
  await page.waitForFunction(
    (n) => {
      const el = document.querySelector('[data-testid=search-index-status]');
      return el?.dataset.snapshot === 'saved' && el.textContent.includes(`Index: ${n} notes`);
    },
    added.toLocaleString('en-US'),
    { timeout: 120_000, polling: 250 },
  );
  return { added, importMs };
}

/** Chunks/s between the first stored vector and the last (the model's load and first batch excluded). */
function rateAfterFirstBatch(samples, total) {
  const first = samples.find(([, count]) => count > 0);
  const last = samples.find(([, count]) => count >= total);
  if (!first || !last || last[0] <= first[0]) return null;
  // Each rise of the count is one saved batch: its wall time per chunk, to compare with the raw
  // model's time per chunk per call (the sampling adds up to ~100 ms per step).
  const perChunkMs = [];
  let previous = first;
  for (const sample of samples) {
    if (sample[1] <= previous[1]) continue;
    perChunkMs.push((sample[0] - previous[0]) / (sample[1] - previous[1]));
    previous = sample;
  }
  perChunkMs.sort((a, b) => a - b);
  return {
    batchesSeen: perChunkMs.length,
    medianMsPerChunk: perChunkMs.length ? round(perChunkMs[perChunkMs.length >> 1]) : null,
    firstVectorsMs: first[0],
    firstBatchChunks: first[1],
    lastVectorMs: last[0],
    chunksPerS: round(((total - first[1]) * 1000) / (last[0] - first[0]), 2),
  };
}

/**
 * One fresh profile: notes imported, then the model folder imported on Models, then Settings
 * (an in-app link, no reload) until every note is indexed. Times run from the model import.
 */
async function indexRun(browser, url, { modelDir, perLanguage, idleBaseline }) {
  const slice = corpusSlice(perLanguage);
  const context = await browser.newContext();
  const blocked = await guard(context);
  await context.addInitScript(installLongTaskProbe);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  try {
    const notes = await importNotes(page, url, slice.vault);
    await page.goto(`${url}models`);
    await page.evaluate(() => navigator.serviceWorker.ready);
    const busyBefore = await mainThreadMs(cdp);
    const t0 = await page.evaluate(startIndexWatch, { notes: notes.added });
    await page.getByLabel('Model folder').setInputFiles(modelDir);
    await page.getByTestId('installed-model').waitFor({ timeout: 60_000 });
    await page.getByRole('link', { name: 'Settings', exact: true }).click();
    await page.waitForFunction(() => window.__indexWatch.doneMs > 0, null, {
      timeout: ingestBenchConfig.indexTimeoutMs,
      polling: 250,
    });
    const busy = await mainThreadMs(cdp);
    const watch = await page.evaluate(indexWatch);
    const [chunks, vectors] = [await page.evaluate(countStore, 'chunks'), await page.evaluate(countStore, 'vectors')];
    const tasks = await page.evaluate(longTasksBetween, [t0, t0 + watch.doneMs]);
    const embedOnly = /([\d.,]+) chunks\/s/.exec(watch.lastIndexingText)?.[1];
    const rate = rateAfterFirstBatch(watch.samples, vectors);
    const result = {
      notes: notes.added,
      notesImportMs: notes.importMs,
      chunks,
      vectors,
      modelImportToUpToDateMs: round(watch.doneMs),
      notesPerS: round((notes.added * 1000) / watch.doneMs, 1),
      chunksPerS: round((chunks * 1000) / watch.doneMs, 1),
      afterFirstBatch: rate && {
        ...rate,
        toUpToDateChunksPerS: round(((vectors - rate.firstBatchChunks) * 1000) / (watch.doneMs - rate.firstVectorsMs), 2),
      },
      embedOnlyChunksPerS: embedOnly ? Number(embedOnly.replace(/,/g, '')) : null,
      longestMainThreadTaskMs: tasks.length ? round(Math.max(...tasks)) : 0,
      longTasksOver50Ms: tasks.filter((ms) => ms >= 50).length,
      mainThreadBusyMs: round(busy.task - busyBefore.task, 0),
    };
    if (idleBaseline) {
      const from = await page.evaluate(() => performance.now());
      await sleep(watch.doneMs);
      const to = await page.evaluate(() => performance.now());
      const idleTasks = await page.evaluate(longTasksBetween, [from, to]);
      const after = await mainThreadMs(cdp);
      result.baselineIdle = {
        ms: round(to - from, 0),
        longestMainThreadTaskMs: idleTasks.length ? round(Math.max(...idleTasks)) : 0,
        longTasksOver50Ms: idleTasks.filter((ms) => ms >= 50).length,
        mainThreadBusyMs: round(after.task - busy.task, 0),
      };
    }
    return { page, context, blocked, result };
  } finally {
    rmSync(slice.dir, { recursive: true, force: true });
  }
}

export async function benchIngest(port = 4196, config = ingestBenchConfig) {
  const started = Date.now();
  await build({
    configFile: 'vite.config.ts',
    logLevel: 'warn',
    build: {
      outDir,
      emptyOutDir: true,
      rollupOptions: { input: { app: 'index.html', ingest: 'bench/ingest/index.html' } },
    },
  });
  const models = mkdtempSync(join(tmpdir(), 'hearth-ingest-models-'));
  const tinyDir = generateModel(join(models, 'tiny-bert'));
  const realDir = generateModel(join(models, `${config.real.shape}-shape-${config.real.dtype}`), [
    '--shape', config.real.shape, '--dtype', config.real.dtype,
  ]);
  const server = await startPreview(port, { outDir });
  const browser = await launch();
  const blocked = [];
  try {
    const loadBefore = loadavg()[0];
    const tiny = await indexRun(browser, server.url, { modelDir: tinyDir, perLanguage: config.tiny, idleBaseline: true });
    blocked.push(...tiny.blocked);
    await tiny.context.close();

    const real = await indexRun(browser, server.url, { modelDir: realDir, perLanguage: config.real.notes });
    blocked.push(...real.blocked);
    // Same origin, same profile: the raw side finds the imported model and the stored chunks.
    // Leaving the app ends its memory worker, so the raw run has the CPU to itself.
    real.page.on('console', (m) => process.stderr.write(`[ingest] ${m.text()}\n`));
    await real.page.goto(`${server.url}bench/ingest/index.html`);
    const raw = await real.page.evaluate((c) => window.runRawModelBench(c), {
      batch: config.indexerBatch,
      wideBatch: config.wideBatch,
    });
    await real.context.close();
    if (blocked.length) throw new Error(`requests left localhost: ${blocked.join(', ')}`);
    const pipeline = real.result.afterFirstBatch?.chunksPerS ?? null;
    return {
      loadAverage1mBefore: round(loadBefore, 2),
      loadAverage1mAfter: round(loadavg()[0], 2),
      tinyModel: tiny.result,
      realShape: {
        model: `${config.real.shape} shape, ${config.real.dtype}, random weights`,
        pipeline: real.result,
        raw,
        pipelineChunksPerS: pipeline,
        rawChunksPerS: raw.atIndexerBatch.chunksPerS,
        ratio: pipeline && round(pipeline / raw.atIndexerBatch.chunksPerS, 3),
        ratioVsWideBatch: pipeline && round(pipeline / raw.wide.chunksPerS, 3),
      },
      goals: { longestTaskMs: 50, pipelineOverRaw: 0.9 },
      totalMs: Date.now() - started,
    };
  } finally {
    await browser.close();
    server.stop();
    rmSync(models, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const port = Number(process.env.HEARTH_BENCH_PORT ?? process.env.HEARTH_PORT ?? 4196);
  // INGEST_BENCH_QUICK: a few notes only, to check the plumbing.
  const config = process.env.INGEST_BENCH_QUICK
    ? {
        ...ingestBenchConfig,
        tiny: { pages: 40, 'pages.ja': 10 },
        real: { ...ingestBenchConfig.real, notes: { pages: 8, 'pages.zh': 2 } },
      }
    : ingestBenchConfig;
  const result = { machine: await machine(), ingest: await benchIngest(port, config) };
  mkdirSync('bench/out', { recursive: true });
  writeFileSync('bench/out/ingest.json', JSON.stringify(result, null, 2));
  console.log(JSON.stringify(result, null, 2));
}
