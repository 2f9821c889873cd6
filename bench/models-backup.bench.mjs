// Peak memory of a backup that carries a large model (issue 12, `models/`), through the real UI:
// the tiny Llama imported with an external-data file of HEARTH_BENCH_MODEL_MB (default 1024 MB)
// of random bytes beside it, then "Back up everything" with the models' files and a passphrase,
// then "Restore from backup…" of that file into a fresh profile. Reports each step's time and the
// browser's resident memory: this browser's own processes only (its process tree, sampled every
// 100 ms), so other browsers on a shared machine do not count. A writer or reader that held a
// model file whole would raise the peak by at least the file's size. Never asserts.
//
//   npx vite build --outDir /tmp/dist-x && node bench/models-backup.bench.mjs /tmp/dist-x [port]
import {
  createWriteStream,
  cpSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
} from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { guard, launchPersistent, machine, startPreview } from './harness.mjs';

const passphrase = 'bench-models-passphrase';
const round = (n) => Math.round(n);

/** Resident memory of `root` and every process under it, in bytes. */
function treeRss(root) {
  const parent = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      parent.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
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
function browserPid() {
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === process.pid && stat.includes('(chromium')) return Number(name);
    } catch {
      // Gone.
    }
  }
  throw new Error('the launched Chromium was not found');
}

const log = (step) => console.error(`${new Date().toISOString()} ${step}`);

async function measured(root, work) {
  const before = treeRss(root);
  let peak = before;
  const timer = setInterval(() => (peak = Math.max(peak, treeRss(root))), 100);
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

/** The tiny Llama folder with `onnx/model.onnx_data` of `bytes` random bytes beside it. */
async function bigModel(dir, bytes) {
  const tiny = new URL('../tests/fixtures/generated/e2e/tiny-llama', import.meta.url).pathname;
  const folder = join(dir, 'big-llama');
  cpSync(tiny, folder, { recursive: true });
  const out = createWriteStream(join(folder, 'onnx', 'model.onnx_data'));
  const chunk = 16 * 1024 * 1024;
  for (let written = 0; written < bytes; written += chunk) {
    const ok = out.write(randomBytes(Math.min(chunk, bytes - written)));
    if (!ok) await new Promise((resolve) => out.once('drain', resolve));
  }
  await new Promise((resolve, reject) => out.end((error) => (error ? reject(error) : resolve())));
  return folder;
}

async function openSettings(page, url) {
  await page.goto(`${url}settings`);
  await page.getByRole('heading', { name: 'Backup and restore' }).waitFor();
}

export async function benchModelsBackup(outDir, port = 4292) {
  const modelBytes = Number(process.env.HEARTH_BENCH_MODEL_MB ?? 1024) * 1024 * 1024;
  const work = mkdtempSync(join(tmpdir(), 'hearth-models-bench-'));
  const server = await startPreview(port, { outDir });
  // Persistent profiles: an off-the-record context keeps Cache Storage in memory, with a quota
  // far below a model's size (its put fails with "Unexpected internal error").
  let open = null;
  try {
    const folder = await bigModel(work, modelBytes);
    const source = (open = await launchPersistent(join(work, 'source'), { acceptDownloads: true }));
    let root = browserPid();
    const blocked = await guard(source);
    const page = source.pages()[0] ?? (await source.newPage());
    await page.goto(`${server.url}models`);
    await page.getByRole('heading', { name: 'Models', level: 1 }).waitFor();
    log('import');
    const imported = await measured(root, async () => {
      await page.getByLabel('Model folder').setInputFiles(folder);
      await page
        .getByTestId('installed-model')
        .or(page.getByTestId('model-import-error'))
        .first()
        .waitFor({ timeout: 1_800_000 });
    });
    if (await page.getByTestId('model-import-error').count())
      throw new Error(await page.getByTestId('model-import-error').innerText());
    log('back up');
    await openSettings(page, server.url);
    await page.getByTestId('backup-passphrase').fill(passphrase);
    await page.getByTestId('backup-passphrase-repeat').fill(passphrase);
    await page.getByTestId('backup-include-models').check();
    const file = join(work, 'backup.zip.age');
    const backup = await measured(root, async () => {
      const waiting = page.waitForEvent('download', { timeout: 1_800_000 });
      await page.getByRole('button', { name: 'Back up everything' }).click();
      await (await waiting).saveAs(file);
    });
    await source.close();
    open = null;
    log('restore');

    const target = (open = await launchPersistent(join(work, 'target')));
    root = browserPid();
    blocked.push(...(await guard(target)));
    const fresh = target.pages()[0] ?? (await target.newPage());
    await fresh.goto(server.url);
    await openSettings(fresh, server.url);
    await fresh.getByRole('button', { name: 'Restore from backup…' }).click();
    const dialog = fresh.getByTestId('restore-dialog');
    const opening = await measured(root, async () => {
      await dialog.getByTestId('restore-file').setInputFiles(file);
      await dialog.getByLabel('Passphrase').fill(passphrase);
      await dialog.getByRole('button', { name: 'Open' }).click();
      await dialog.getByTestId('restore-models').waitFor({ timeout: 1_800_000 });
    });
    log('merge');
    const merge = await measured(root, async () => {
      await dialog.getByRole('button', { name: 'Merge' }).click();
      await dialog.getByTestId('restore-done').waitFor({ timeout: 1_800_000 });
    });
    const restoredBytes = await fresh.evaluate(async () => {
      const cache = await caches.open('transformers-cache');
      let bytes = 0;
      for (const request of await cache.keys())
        bytes += (await (await cache.match(request)).blob()).size;
      return bytes;
    });
    await target.close();
    open = null;
    return {
      machine: await machine(),
      modelFileMB: round(modelBytes / 1e6),
      backupFileMB: round(statSync(file).size / 1e6),
      restoredCacheMB: round(restoredBytes / 1e6),
      blocked,
      importModel: imported,
      backUp: backup,
      restoreOpen: opening,
      restoreMerge: merge,
    };
  } finally {
    await open?.close();
    server.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [outDir, port] = process.argv.slice(2);
  const result = await benchModelsBackup(outDir, port ? Number(port) : undefined);
  for (const step of ['importModel', 'backUp', 'restoreOpen', 'restoreMerge'])
    delete result[step].result;
  console.log(JSON.stringify(result, null, 2));
}
