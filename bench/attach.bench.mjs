// Chat attachments (issue 11), in real Chromium. Reports, never asserts.
//  1. PDF text extraction: a PDF generated at bench time (bench/attach/bench-pdf.ts) read on a bench
//     page through the app's entry for a picked file (readAttachment → extractPdfText: pdf.js in its
//     own worker, the app's line joining), against pdf.js alone through the same adapter (load +
//     getTextContent of every page, no joining) and against reading the bytes only, in turns; then
//     the same PDF picked through the chat tray (read, chunked, stored), pick → listed.
//  2. Attachment indexing: a zip of this repository's own code picked through the chat tray with an
//     embedding model imported on Models, watched until "Found by meaning and words"; the pipeline's
//     chunks/s (tray progress) against the raw model's on the same texts in calls of the same size
//     (bench/attach/raw-embed.worker.ts, same origin, right after). The tiny BERT (compute nearly
//     free: Hearth's own cost) on the whole code tree; a MiniLM-shape int8 model on a slice.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, runnerImport } from 'vite';
import { guard, launch, machine, median, startPreview } from './harness.mjs';
import { installLongTaskProbe } from './ingest/page-probes.mjs';
import { generateModel, round } from './ingest/steps.mjs';
import { indexingRates, pickAndWatch, zipCodeTree } from './attach/steps.mjs';

export const attachBenchConfig = {
  pdf: { pages: 200, runs: 5, uiRuns: 3 },
  tiny: { dirs: ['src'] },
  real: { shape: 'minilm', dtype: 'q8', dirs: ['src/lib/attachments'] },
  /** Pieces per embed() call (src/lib/attachments/index-attachment.ts `batchSize`). */
  batch: 16,
  timeoutMs: 900_000,
};

const outDir = process.env.HEARTH_ATTACH_OUT_DIR ?? 'bench/out/attach-site';
const pdfMime = 'application/pdf';

async function benchPdfBytes(pages) {
  const url = new URL('./attach/bench-pdf.ts', import.meta.url).pathname;
  const { module } = await runnerImport(url, { configFile: false, logLevel: 'warn' });
  return Buffer.from(module.makeBenchPdf(pages));
}

async function freshTab(browser) {
  const context = await browser.newContext();
  const blocked = await guard(context);
  await context.addInitScript(installLongTaskProbe);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  return { context, blocked, page, cdp };
}

/** Opens the chat after the service worker has precached (its downloads would share the CPU). */
async function openChat(page, url) {
  await page.goto(`${url}chat`);
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.getByRole('button', { name: 'Attach files' }).waitFor();
}

const summary = (values) => ({
  median: median(values),
  min: Math.min(...values),
  max: Math.max(...values),
});

async function pdfPart(browser, url, pdf, config) {
  const { context, blocked, page, cdp } = await freshTab(browser);
  await page.goto(`${url}bench/attach/index.html`);
  await page.setInputFiles('#pdf', { name: 'bench-report.pdf', mimeType: pdfMime, buffer: pdf });
  const page1 = await page.evaluate((c) => window.runPdfBench(c), { runs: config.pdf.runs });
  const pages = config.pdf.pages;
  const way = (name) => {
    const ms = page1.runs[name].map((r) => r.ms);
    const tasks = page1.runs[name].flatMap((r) => r.longTasks);
    return {
      ms: summary(ms),
      ...(name === 'bytes' ? {} : { pagesPerS: round((pages * 1000) / median(ms), 1) }),
      ...(name === 'app' ? { chunkDocMs: summary(page1.runs.app.map((r) => r.chunkMs)) } : {}),
      longTasks: tasks.length,
      longestTaskMs: tasks.length ? Math.max(...tasks) : 0,
    };
  };
  await openChat(page, url);
  const ui = [];
  for (let i = 0; i < config.pdf.uiRuns; i++) {
    const name = `report-${i + 1}.pdf`;
    const run = await pickAndWatch(page, cdp, [{ name, mimeType: pdfMime, buffer: pdf }], {
      name,
      untilIndexed: false,
      timeoutMs: config.timeoutMs,
    });
    ui.push({
      storedMs: run.storedMs,
      listed: run.watch.storedText,
      ...run.whileReading,
      mainThreadBusyMs: run.mainThreadBusyMs,
    });
  }
  await context.close();
  const uiMs = ui.map((r) => r.storedMs);
  return {
    blocked,
    result: {
      pdf: { pages, sizeBytes: pdf.length, ...page1.shapes },
      app: way('app'),
      baselinePdfjsOnly: way('pdfjs'),
      baselineBytesOnly: way('bytes'),
      appOverPdfjs: round(
        median(page1.runs.app.map((r) => r.ms)) / median(page1.runs.pdfjs.map((r) => r.ms)),
        3,
      ),
      throughTray: {
        pickToListedMs: summary(uiMs),
        pagesPerS: round((pages * 1000) / median(uiMs), 1),
        runs: ui,
      },
    },
  };
}

async function indexingPart(browser, url, modelDir, zip, config) {
  const { context, blocked, page, cdp } = await freshTab(browser);
  await page.goto(`${url}models`);
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.getByLabel('Model folder').setInputFiles(modelDir);
  await page.getByTestId('installed-model').waitFor({ timeout: 120_000 });
  await openChat(page, url);
  const name = 'hearth-code.zip';
  const run = await pickAndWatch(
    page,
    cdp,
    [{ name, mimeType: 'application/zip', buffer: Buffer.from(zip.zip) }],
    { name, untilIndexed: true, timeoutMs: config.timeoutMs },
  );
  const pipeline = indexingRates(run.watch);
  // Leaving the app ends its memory worker: the raw model gets the CPU the pipeline had.
  await page.goto(`${url}bench/attach/index.html`);
  const raw = await page.evaluate((c) => window.runRawEmbedBench(c), {
    name,
    batch: config.batch,
  });
  await context.close();
  return {
    blocked,
    result: {
      attachment: {
        files: zip.files,
        textBytes: zip.textBytes,
        zipBytes: zip.zipBytes,
        listed: run.watch.storedText,
      },
      pickToStoredMs: run.storedMs,
      whileReading: run.whileReading,
      pipeline,
      whileIndexing: run.whileIndexing,
      mainThreadBusyMs: run.mainThreadBusyMs,
      raw,
      pipelineOverRaw: pipeline ? round(pipeline.chunksPerS / raw.chunksPerS, 3) : null,
      medianMsPerChunkRawOverPipeline: pipeline?.medianMsPerChunk
        ? round(raw.medianMsPerChunk / pipeline.medianMsPerChunk, 3)
        : null,
    },
  };
}

export async function benchAttach(port = 4196, config = attachBenchConfig) {
  const started = Date.now();
  // One build holds the app and the bench page: same origin, same CSP, same hashed pdf.js worker.
  await build({
    configFile: 'vite.config.ts',
    logLevel: 'warn',
    build: {
      outDir,
      emptyOutDir: true,
      rollupOptions: { input: { app: 'index.html', attach: 'bench/attach/index.html' } },
    },
  });
  const pdf = await benchPdfBytes(config.pdf.pages);
  const bigZip = zipCodeTree(config.tiny.dirs);
  const smallZip = zipCodeTree(config.real.dirs);
  const models = mkdtempSync(join(tmpdir(), 'hearth-attach-models-'));
  const { shape, dtype } = config.real;
  const tinyDir = generateModel(join(models, 'tiny-bert'));
  const realDir = generateModel(join(models, `${shape}-shape-${dtype}`), [
    '--shape',
    shape,
    '--dtype',
    dtype,
  ]);
  const server = await startPreview(port, { outDir });
  const browser = await launch();
  try {
    const load = [loadavg().map((l) => round(l, 2))];
    const parts = config.parts ?? ['pdf', 'tiny', 'real'];
    const run = async (part, work) => {
      // An object, not a string: the indexing parts spread it into their result.
      if (!parts.includes(part)) return { blocked: [], result: { notRun: true } };
      const done = await work();
      load.push(loadavg().map((l) => round(l, 2)));
      return done;
    };
    const pdfRun = await run('pdf', () => pdfPart(browser, server.url, pdf, config));
    const tiny = await run('tiny', () =>
      indexingPart(browser, server.url, tinyDir, bigZip, config),
    );
    const real = await run('real', () =>
      indexingPart(browser, server.url, realDir, smallZip, config),
    );
    const blocked = [...pdfRun.blocked, ...tiny.blocked, ...real.blocked];
    if (blocked.length) throw new Error(`requests left localhost: ${blocked.join(', ')}`);
    return {
      // [1, 5, 15 min] at the start and after each part: a busy machine slows every figure.
      loadAverage: load,
      pdfExtraction: pdfRun.result,
      indexingTinyBert: { model: 'tiny BERT fixture (hidden 32, 2 layers)', ...tiny.result },
      indexingRealShape: { model: `${shape} shape, ${dtype}, random weights`, ...real.result },
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
  // ATTACH_BENCH_QUICK: a small PDF, one run, small attachments: checks the plumbing.
  const config = process.env.ATTACH_BENCH_QUICK
    ? {
        ...attachBenchConfig,
        pdf: { pages: 20, runs: 1, uiRuns: 1 },
        tiny: { dirs: ['src/lib/pdf'] },
        real: { ...attachBenchConfig.real, dirs: ['src/lib/pdf'] },
      }
    : attachBenchConfig;
  // ATTACH_BENCH_PARTS: a comma-separated subset of pdf,tiny,real.
  const parts = process.env.ATTACH_BENCH_PARTS?.split(',');
  const result = {
    machine: await machine(),
    attach: await benchAttach(port, parts ? { ...config, parts } : config),
  };
  mkdirSync('bench/out', { recursive: true });
  writeFileSync('bench/out/attach.json', JSON.stringify(result, null, 2));
  console.log(JSON.stringify(result, null, 2));
}
