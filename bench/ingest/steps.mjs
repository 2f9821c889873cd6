// The ingest bench's steps in the real UI: a corpus slice imported as notes, indexing watched on
// Settings (from whatever starts it to "Up to date"), and the raw model run on the bench page.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { corpusDir } from '../harness.mjs';
import { mainThreadMs } from '../llm-page.mjs';
import { countStore, indexWatch, longTasksBetween, startIndexWatch } from './page-probes.mjs';

export const round = (x, digits = 1) => +x.toFixed(digits);

/** The first `count` pages of each language (name order), copied into a temp vault folder. */
export function corpusSlice(perLanguage) {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-ingest-'));
  let files = 0;
  for (const [lang, count] of Object.entries(perLanguage)) {
    const from = join(corpusDir, lang, 'common');
    const names = readdirSync(from)
      .filter((n) => n.endsWith('.md'))
      .sort()
      .slice(0, count);
    mkdirSync(join(dir, 'vault', lang), { recursive: true });
    for (const name of names) cpSync(join(from, name), join(dir, 'vault', lang, name));
    files += names.length;
  }
  return { dir, vault: join(dir, 'vault'), files };
}

/** Writes a BERT-shaped model with random weights (tests/fixtures/generate-tiny-bert.mjs). */
export function generateModel(dir, args = []) {
  execFileSync(process.execPath, ['tests/fixtures/generate-tiny-bert.mjs', dir, ...args], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return dir;
}

/** Imports the notes through the folder input and waits until the keyword index has settled. */
export async function importNotes(page, url, vault, timeoutMs = 120_000) {
  await page.goto(`${url}search`);
  const started = Date.now();
  await page.setInputFiles('[data-testid=import-folder-input]', vault);
  await page.getByTestId('import-added').waitFor({ timeout: timeoutMs });
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
    { timeout: timeoutMs, polling: 250 },
  );
  return { added, importMs };
}

/** Imports the model folder on Models, then opens Settings through the app's own link. */
export const importModelThenSettings = (page, modelDir) => async () => {
  await page.getByLabel('Model folder').setInputFiles(modelDir);
  await page.getByTestId('installed-model').waitFor({ timeout: 60_000 });
  await page.getByRole('link', { name: 'Settings', exact: true }).click();
};

/**
 * Chunks/s from the first stored batch to the last, so the model's load and its first batch (a
 * slow warm-up) are left out. A rebuild starts from the last sample with no vectors. Each rise of
 * the count is one saved batch: its wall time per chunk is comparable with the raw model's time
 * per chunk per call (the ~100 ms sampling blurs single steps, not the median).
 */
function rateAfterFirstBatch(samples, total) {
  const after = samples.slice(samples.findLastIndex(([, count]) => count === 0) + 1);
  const first = after.find(([, count]) => count > 0);
  const last = after.find(([, count]) => count >= total);
  if (!first || !last || last[0] <= first[0]) return null;
  const perChunkMs = [];
  let previous = first;
  for (const sample of after.slice(after.indexOf(first) + 1)) {
    if (sample[1] <= previous[1]) continue;
    perChunkMs.push((sample[0] - previous[0]) / (sample[1] - previous[1]));
    previous = sample;
  }
  perChunkMs.sort((a, b) => a - b);
  return {
    firstVectorsMs: first[0],
    firstBatchChunks: first[1],
    lastVectorMs: last[0],
    chunksPerS: round(((total - first[1]) * 1000) / (last[0] - first[0]), 2),
    batchesSeen: perChunkMs.length,
    medianMsPerChunk: perChunkMs.length ? round(perChunkMs[perChunkMs.length >> 1]) : null,
  };
}

/**
 * Runs `start` (what makes Hearth index) and watches until Settings says every note is indexed:
 * wall time, chunks/s, the embedder's own chunks/s as Settings last showed it, main-thread long
 * tasks and busy time. The page must be one where `start` leads to Settings without a reload.
 */
export async function watchIndexing(page, cdp, { notes, start, timeoutMs }) {
  const busyBefore = await mainThreadMs(cdp);
  const t0 = await page.evaluate(startIndexWatch, { notes });
  await start();
  await page.waitForFunction(() => window.__indexWatch.doneMs > 0, null, {
    timeout: timeoutMs,
    polling: 250,
  });
  const busy = await mainThreadMs(cdp);
  const watch = await page.evaluate(indexWatch);
  const chunks = await page.evaluate(countStore, 'chunks');
  const vectors = await page.evaluate(countStore, 'vectors');
  const tasks = await page.evaluate(longTasksBetween, [t0, t0 + watch.doneMs]);
  const embedOnly = /([\d.,]+) chunks\/s/.exec(watch.lastIndexingText)?.[1];
  const rate = rateAfterFirstBatch(watch.samples, vectors);
  return {
    notes,
    chunks,
    vectors,
    startToUpToDateMs: round(watch.doneMs),
    notesPerS: round((notes * 1000) / watch.doneMs, 1),
    chunksPerS: round((chunks * 1000) / watch.doneMs, 1),
    afterFirstBatch: rate && {
      ...rate,
      toUpToDateChunksPerS: round(
        ((vectors - rate.firstBatchChunks) * 1000) / (watch.doneMs - rate.firstVectorsMs),
        2,
      ),
    },
    embedOnlyChunksPerS: embedOnly ? Number(embedOnly.replace(/,/g, '')) : null,
    ...longTaskSummary(tasks),
    // The start includes the model's import on Models; from the first stored vectors on, only
    // indexing runs.
    longTasksAfterFirstVectors: rate
      ? longTaskSummary(tasks.filter((t) => t.atMs >= rate.firstVectorsMs))
      : null,
    mainThreadBusyMs: round(busy.task - busyBefore.task, 0),
  };
}

/** Long tasks (≥ 50 ms by definition): the longest, how many, and each one's start and length. */
export function longTaskSummary(tasks) {
  return {
    longestMainThreadTaskMs: tasks.length ? Math.max(...tasks.map((t) => t.ms)) : 0,
    longTasks: tasks.length,
    longTaskList: tasks.slice(0, 20),
  };
}

/** On Settings: "Wipe the index and rebuild from notes", confirmed, as a user would. */
export async function wipeAndRebuild(page) {
  await page.getByRole('button', { name: 'Wipe the index and rebuild from notes' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Wipe and rebuild' }).click();
}

/** Leaves the app (its memory worker ends) and embeds the stored chunks' texts on the bench page. */
export async function rawModelRun(page, url, config) {
  await page.goto(`${url}bench/ingest/index.html`);
  return page.evaluate((c) => window.runRawModelBench(c), config);
}
