// "All cores" (issue 13): the MiniLM-shape int8 embedder (random weights, real shape) on one
// thread against all the threads Hearth gives it (modelThreads: min(cores, 4) when cross-origin
// isolated), in the same run, on the same texts. A bench page of the app's own build and origin
// (`bench/threads/`) gets the app's headers and isolation and runs two workers that load the
// model the app imported through Models, as Hearth's embedder loads it: one on 1 thread, one on
// Hearth's choice. They take turns call by call, so a busy moment on this shared machine hits
// both sides alike. Reports, never asserts.
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'vite';
import { corpusDir, guard, launch, machine, startPreview } from './harness.mjs';
import { generateModel, round } from './ingest/steps.mjs';

export const threadsBenchConfig = {
  shape: 'minilm',
  dtype: 'q8',
  /** English tldr pages, name order, each cut to `tokens` tokens: the indexer's chunk size. */
  texts: 104,
  tokens: 128,
  /** The indexer's chunks per embed() call (src/lib/search/indexer.ts `embedBatch`). */
  batch: 8,
  /** Passes over the texts (the first call is each side's untimed warm-up). */
  passes: 2,
};

const outDir = process.env.HEARTH_THREADS_OUT_DIR ?? 'bench/out/threads-site';

function corpusTexts(count) {
  const dir = join(corpusDir, 'pages', 'common');
  return readdirSync(dir)
    .filter((n) => n.endsWith('.md'))
    .sort()
    .slice(0, count)
    .map((n) => readFileSync(join(dir, n), 'utf8'));
}

/** Imports the model folder on Models as a user would; the app's tab is closed afterwards. */
async function importModel(context, url, modelDir) {
  const page = await context.newPage();
  await page.goto(`${url}models`);
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.getByLabel('Model folder').setInputFiles(modelDir);
  await page.getByTestId('installed-model').waitFor({ timeout: 120_000 });
  const isolated = await page.evaluate(() => crossOriginIsolated);
  // Closing the app ends its memory worker, which would otherwise share the CPU with the runs.
  await page.close();
  return isolated;
}

/** Both sides on a fresh bench page, taking turns (bench/threads/page.ts). */
async function turns(context, url, config, texts) {
  const page = await context.newPage();
  try {
    await page.goto(`${url}bench/threads/index.html`);
    return await page.evaluate((c) => window.runThreadsBench(c), {
      texts,
      tokens: config.tokens,
      batch: config.batch,
      passes: config.passes,
    });
  } finally {
    await page.close();
  }
}

export async function benchThreads(port = 4197, config = threadsBenchConfig) {
  const started = Date.now();
  // One build holds the app and the bench page, so both share an origin and the model cache.
  await build({
    configFile: 'vite.config.ts',
    logLevel: 'warn',
    build: {
      outDir,
      emptyOutDir: true,
      rollupOptions: { input: { app: 'index.html', threads: 'bench/threads/index.html' } },
    },
  });
  const models = mkdtempSync(join(tmpdir(), 'hearth-threads-models-'));
  const modelDir = generateModel(join(models, `${config.shape}-shape-${config.dtype}`), [
    '--shape',
    config.shape,
    '--dtype',
    config.dtype,
  ]);
  const texts = corpusTexts(config.texts);
  const server = await startPreview(port, { outDir });
  const browser = await launch();
  try {
    const context = await browser.newContext();
    const blocked = await guard(context);
    const appIsolated = await importModel(context, server.url, modelDir);
    // Threads only pay when cores are free: the machine's load is sampled all along.
    const load1m = [loadavg()[0]];
    const sampler = setInterval(() => load1m.push(loadavg()[0]), 5_000);
    const result = await turns(context, server.url, config, texts).finally(() =>
      clearInterval(sampler),
    );
    load1m.push(loadavg()[0]);
    await context.close();
    if (blocked.length) throw new Error(`requests left localhost: ${blocked.join(', ')}`);
    return {
      model: `${config.shape} shape, ${config.dtype}, random weights`,
      appCrossOriginIsolated: appIsolated,
      texts: config.texts,
      tokensPerText: config.tokens,
      callSize: config.batch,
      passes: config.passes,
      loadAverage1m: {
        first: round(load1m[0], 2),
        min: round(Math.min(...load1m), 2),
        max: round(Math.max(...load1m), 2),
        last: round(load1m.at(-1), 2),
      },
      ...result,
      ratio: round(result.allThreads.chunksPerS / result.oneThread.chunksPerS, 3),
      goal: { ratio: 1.5 },
      totalMs: Date.now() - started,
    };
  } finally {
    await browser.close();
    server.stop();
    rmSync(models, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const port = Number(process.env.HEARTH_BENCH_PORT ?? process.env.HEARTH_PORT ?? 4197);
  const result = { machine: await machine(), threads: await benchThreads(port) };
  mkdirSync('bench/out', { recursive: true });
  writeFileSync('bench/out/threads.json', JSON.stringify(result, null, 2));
  console.log(JSON.stringify(result, null, 2));
}
