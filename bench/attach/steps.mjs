// The attachment bench's inputs and UI steps: a code tree zipped at bench time, a pick through the
// chat's tray watched until stored (and until indexed), the same page's long tasks meanwhile.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { zipSync } from 'fflate';
import { mainThreadMs } from '../llm-page.mjs';
import { longTasksBetween } from '../ingest/page-probes.mjs';
import { longTaskSummary, round } from '../ingest/steps.mjs';
import { pickedAt, startTrayWatch, trayWatch } from './tray-probes.mjs';

const repo = new URL('../../', import.meta.url).pathname;
/** Generated models and the tldr corpus are data, not the code tree a user would attach. */
const leftOut = /(^|\/)(generated|corpus|node_modules)(\/|$)/;

/** A zip of these folders of this repository (its own code, a real code tree), path order. */
export function zipCodeTree(dirs, root = 'hearth') {
  const files = {};
  let bytes = 0;
  const walk = (dir) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const rel = relative(repo, path);
      if (leftOut.test(rel)) continue;
      if (statSync(path).isDirectory()) walk(path);
      else {
        const content = readFileSync(path);
        files[`${root}/${rel}`] = [content, { mtime: new Date(2026, 0, 1) }];
        bytes += content.length;
      }
    }
  };
  for (const dir of dirs) walk(join(repo, dir));
  const zip = zipSync(files, { level: 6 });
  return { zip, files: Object.keys(files).length, textBytes: bytes, zipBytes: zip.length };
}

/** Picks `files` through the tray's "Attach files" and waits until `name` is stored (and indexed). */
export async function pickAndWatch(page, cdp, files, { name, untilIndexed, timeoutMs }) {
  const busyBefore = await mainThreadMs(cdp);
  await page.evaluate(startTrayWatch, { name });
  const chooser = page.waitForEvent('filechooser');
  await page
    .getByRole('region', { name: 'Attachments' })
    .getByRole('button', { name: 'Attach files' })
    .click();
  await (await chooser).setFiles(files);
  await page.waitForFunction(
    (indexed) => {
      const w = window.__trayWatch;
      return w.error || (indexed ? w.indexedMs > 0 : w.storedMs > 0);
    },
    untilIndexed,
    { timeout: timeoutMs, polling: 100 },
  );
  const busy = await mainThreadMs(cdp);
  const watch = await page.evaluate(trayWatch);
  if (watch.error) throw new Error(`${name}: ${watch.error}`);
  const t0 = await page.evaluate(pickedAt);
  const endMs = untilIndexed ? watch.indexedMs : watch.storedMs;
  // Long tasks are reported once they end: give the observer a moment.
  await page.waitForTimeout(100);
  const stored = await page.evaluate(longTasksBetween, [t0, t0 + watch.storedMs]);
  const all = await page.evaluate(longTasksBetween, [t0, t0 + endMs]);
  return {
    watch,
    storedMs: round(watch.storedMs),
    whileReading: longTaskSummary(stored),
    whileIndexing: longTaskSummary(all.filter((t) => t.atMs > watch.storedMs)),
    mainThreadBusyMs: round(busy.task - busyBefore.task, 0),
  };
}

/**
 * Chunks/s of indexing as the tray showed it: from the first saved batch to "Found by meaning and
 * words" (model load and the first batch left out, like the raw side's warm-up), and from stored
 * to indexed (everything). Per-step ms per chunk, median, from the tray's successive counts.
 */
export function indexingRates(watch) {
  const steps = watch.progress.filter(([, done]) => done > 0);
  const total = watch.progress[0]?.[2] ?? 0;
  if (steps.length === 0 || total === 0) return null;
  const [firstMs, firstDone] = steps[0];
  const perChunk = [];
  for (let i = 1; i < steps.length; i++)
    perChunk.push((steps[i][0] - steps[i - 1][0]) / (steps[i][1] - steps[i - 1][1]));
  perChunk.sort((a, b) => a - b);
  return {
    chunks: total,
    storedToIndexedMs: round(watch.indexedMs - watch.storedMs),
    storedToFirstBatchMs: round(firstMs - watch.storedMs),
    firstBatchChunks: firstDone,
    chunksPerS: round(((total - firstDone) * 1000) / (watch.indexedMs - firstMs), 2),
    storedToIndexedChunksPerS: round((total * 1000) / (watch.indexedMs - watch.storedMs), 2),
    stepsSeen: perChunk.length,
    medianMsPerChunk: perChunk.length ? round(perChunk[perChunk.length >> 1], 2) : null,
  };
}
