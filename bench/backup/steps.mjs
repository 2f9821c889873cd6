// Shared steps of the backup benches (bundle, models-backup, backup-full): this bench's own
// browser's resident memory from /proc, a model folder with a large external-data file, and the
// Settings page's backup controls as a user reaches them.
import { createWriteStream, cpSync, readFileSync, readdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

const e2eTinyLlama = new URL('../../tests/fixtures/generated/e2e/tiny-llama', import.meta.url)
  .pathname;

const parentOf = (stat) => Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);

/** Resident memory of `root` and every process under it, in bytes. */
export function treeRss(root) {
  const parent = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      parent.set(Number(name), parentOf(readFileSync(`/proc/${name}/stat`, 'utf8')));
    } catch {
      // The process ended while being read.
    }
  }
  const inTree = (pid) => {
    for (let p = pid; p > 1; p = parent.get(p) ?? 0) if (p === root) return true;
    return false;
  };
  let bytes = 0;
  for (const pid of parent.keys()) {
    if (!inTree(pid)) continue;
    try {
      const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
      bytes += Number(kb ?? 0) * 1024;
    } catch {
      // Gone.
    }
  }
  return bytes;
}

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

/** Runs `work` while sampling the RSS of the process tree under `root` every `everyMs`. */
export async function measured(root, work, everyMs = 100) {
  const round = (n) => Math.round(n);
  const before = treeRss(root);
  let peak = before;
  const timer = setInterval(() => (peak = Math.max(peak, treeRss(root))), everyMs);
  const started = performance.now();
  try {
    const result = await work();
    return {
      result,
      ms: round(performance.now() - started),
      rssBeforeMB: round(before / 1e6),
      rssPeakMB: round(peak / 1e6),
      rssRiseMB: round((peak - before) / 1e6),
    };
  } finally {
    clearInterval(timer);
  }
}

/**
 * A copy of the tiny Llama folder (`tinyDir`, by default the e2e fixture) with
 * `onnx/model.onnx_data` of `bytes` random bytes beside it.
 */
export async function bigModel(dir, bytes, tinyDir = e2eTinyLlama) {
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

/** Clicks what starts a download and saves it as `dir/name`; resolves to the file's path. */
export async function download(page, click, dir, name) {
  const waiting = page.waitForEvent('download', { timeout: 1_800_000 });
  await click();
  const file = join(dir, name);
  await (await waiting).saveAs(file);
  return file;
}
