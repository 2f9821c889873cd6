// Shared steps of the backup benches (bundle, models-backup, backup-full): this bench's own
// browser's memory while a step runs (process-memory.mjs), a model folder with a large external-data file, and the
// Settings page's backup controls as a user reaches them.
import { createWriteStream, cpSync, readFileSync, readdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { sampleTree } from './process-memory.mjs';

const parentOf = (stat) => Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);

/** The Chromium this process launched: its child (a connected browser would get files uploaded). */
export function browserPid() {
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      if (parentOf(stat) === process.pid && stat.includes('(chromium')) return Number(name);
    } catch {
      // Gone.
    }
  }
  throw new Error('the launched Chromium was not found');
}

/**
 * Runs `work` while sampling the memory of the process tree under `root` every `everyMs`
 * (process-memory.mjs): RSS before, at its peak and the rise, as before, plus PSS by process
 * kind; `timeline` keeps every sample.
 */
export async function measured(root, work, everyMs = 100, { timeline = false } = {}) {
  const sampler = sampleTree(root, everyMs, { timeline });
  const started = performance.now();
  try {
    const result = await work();
    const ms = Math.round(performance.now() - started);
    return { result, ms, startedAt: sampler.startedAt, ...sampler.stop() };
  } finally {
    sampler.stop();
  }
}

/**
 * A copy of the tiny Llama folder `tinyDir` (tests/fixtures/tiny-llama.ts writes one) with
 * `onnx/model.onnx_data` of `bytes` random bytes beside it.
 */
export async function bigModel(dir, bytes, tinyDir) {
  const folder = join(dir, 'big-llama');
  cpSync(tinyDir, folder, { recursive: true });
  const out = createWriteStream(join(folder, 'onnx', 'model.onnx_data'));
  const chunk = 16 * 1024 * 1024;
  for (let written = 0; written < bytes; written += chunk) {
    const ok = out.write(randomBytes(Math.min(chunk, bytes - written)));
    if (!ok) await new Promise((resolve) => out.once('drain', resolve));
  }
  await new Promise((resolve, reject) => out.end((error) => (error ? reject(error) : resolve())));
  return folder;
}

export async function openSettings(page, url) {
  await page.goto(`${url}settings`);
  await page.getByRole('heading', { name: 'Backup and restore' }).waitFor();
}

/**
 * Clicks what starts a download and saves it as `dir/name`; resolves to the file's path. `marks`,
 * when given, gets the epoch ms when the download began (`downloadStarted`), when the browser had
 * written it (`downloadDone`) and when the copy at `dir/name` was saved (`saved`).
 */
export async function download(page, click, dir, name, marks = {}) {
  const waiting = page.waitForEvent('download', { timeout: 1_800_000 });
  await click();
  const file = join(dir, name);
  const started = await waiting;
  marks.downloadStarted = Date.now();
  await started.path();
  marks.downloadDone = Date.now();
  await started.saveAs(file);
  marks.saved = Date.now();
  return file;
}
