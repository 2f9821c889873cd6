// Peak memory of a backup that carries a large model (issue 12, `models/`), through the real UI:
// the tiny Llama imported with an external-data file of HEARTH_BENCH_MODEL_MB (default 1024 MB)
// of random bytes beside it, then "Back up everything" with the models' files and a passphrase,
// then "Restore from backup…" of that file into a fresh profile. Reports each step's time and the
// browser's resident memory: this browser's own processes only (its process tree, sampled every
// 100 ms), so other browsers on a shared machine do not count. A writer or reader that held a
// model file whole would raise the peak by at least the file's size. The page has no save dialog
// (withoutSavePicker), so the backup is a download. Never asserts.
//
//   npx vite build --outDir /tmp/dist-x && node bench/models-backup.bench.mjs /tmp/dist-x [port]
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bigModel, browserPid, measured, openSettings } from './backup/steps.mjs';
import {
  fixtureModule,
  guard,
  launchPersistent,
  machine,
  startPreview,
  withoutSavePicker,
} from './harness.mjs';

const passphrase = 'bench-models-passphrase';
const round = (n) => Math.round(n);

const log = (step) => console.error(`${new Date().toISOString()} ${step}`);

export async function benchModelsBackup(outDir, port = 4292) {
  const modelBytes = Number(process.env.HEARTH_BENCH_MODEL_MB ?? 1024) * 1024 * 1024;
  const work = mkdtempSync(join(tmpdir(), 'hearth-models-bench-'));
  const server = await startPreview(port, { outDir });
  // Persistent profiles: an off-the-record context keeps Cache Storage in memory, with a quota
  // far below a model's size (its put fails with "Unexpected internal error").
  let open = null;
  try {
    const tiny = await (await fixtureModule('tiny-llama')).generateTinyLlama(join(work, 'tl'));
    const folder = await bigModel(work, modelBytes, tiny.dir);
    const source = (open = await launchPersistent(join(work, 'source'), { acceptDownloads: true }));
    await withoutSavePicker(source);
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
