// Backup of everything at full size (issue 12): "Export and import MB/s, and peak JS heap, for 10k
// notes + 100k chunks + a 200 MB model file, with and without encryption. Baseline: plain zip in
// the same run." Through the real UI, in one persistent profile: a generated 10k-note vault
// imported, the zero-cost `lookup` BERT imported on Models and the notes indexed (its chunks and
// int8 vectors make the bundle's `index/` part), the tiny Llama imported with a 200 MiB
// external-data file; then "Back up everything" with the index and the models' files, (a) as a
// plain zip (the baseline) and (b) encrypted with a passphrase (age, scrypt), and each restored
// into a fresh persistent profile (Open, then Merge). Per step: bytes, seconds, MB/s, ratio to
// the plain zip's, the peak used JS heap of the page and of every dedicated worker (CDP, sampled
// every ~250 ms: the vault worker does the bundle work; peak of the sum and peak per target) and
// this browser's own memory (its process tree): the RSS rise, and PSS by process kind (browser,
// renderer, GPU, utility services) split into anonymous, file and shared memory, with each
// backup's timeline beside the page's progress phases and the download's marks, to tell where a
// rise comes from. Never asserts.
//
//   npx vite build && HEARTH_BENCH_PORT=4350 node bench/backup-full.bench.mjs [outDir]
//   BACKUP_FULL_NOTES, BACKUP_FULL_NOTE_BYTES (mean note size), BACKUP_FULL_MODEL_MIB: smaller runs;
//   BACKUP_FULL_RESTORE=0 stops after the two backups.
// Writes bench/out/backup-full.json after every step, so a run cut short still leaves its figures.
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { bigModel, browserPid, download, measured, openSettings } from './backup/steps.mjs';
import {
  fixtureModule,
  guard,
  launchPersistent,
  machine,
  startPreview,
  withoutSavePicker,
} from './harness.mjs';
import { installLongTaskProbe } from './ingest/page-probes.mjs';
import {
  generateModel,
  importModelThenSettings,
  importNotes,
  round,
  watchIndexing,
} from './ingest/steps.mjs';
import { sampleHeaps } from './scale/heap.mjs';

export const backupFullConfig = {
  notes: 10_000,
  /** Mean note size in bytes; null: the generator's 7.6 KB. */
  meanNoteBytes: null,
  seed: 21,
  modelMiB: 200,
  /** Restore both backups into fresh profiles; false stops after the backups. */
  restore: true,
  passphrase: 'bench-full-passphrase-1',
  timeoutMs: 2_700_000,
};

const log = (what) => console.error(`${new Date().toISOString()} [backup-full] ${what}`);
const mbps = (bytes, ms) => round(bytes / 1e6 / (ms / 1000), 2);

/**
 * Runs `work` with this browser's memory (RSS and PSS by process kind) and every target's JS heap
 * sampled every 250 ms; `timeline` keeps every memory sample.
 */
async function step(page, root, work, { timeline = false } = {}) {
  const heaps = await sampleHeaps(page, 250);
  let run;
  try {
    run = await measured(root, work, 250, { timeline });
  } finally {
    run = { ...run, heap: await heaps.stop() };
  }
  return run;
}

/** One line of the report: `bytes` moved by a step that took `run`, against `baseline`. */
function row(bytes, run, baseline) {
  const mbPerS = mbps(bytes, run.ms);
  return {
    bytes,
    seconds: round(run.ms / 1000, 2),
    mbPerS,
    vsPlain: baseline ? round(mbPerS / baseline.mbPerS, 2) : 1,
    heapPeakSumMB: run.heap.peakSumMB,
    heapPeakMB: run.heap.peakMB,
    rssBeforeMB: run.rssBeforeMB,
    rssPeakMB: run.rssPeakMB,
    rssRiseMB: run.rssRiseMB,
    rssAfterMB: run.rssAfterMB,
    pssBeforeMB: run.pssBeforeMB,
    pssPeakMB: run.pssPeakMB,
    pssRiseMB: run.pssRiseMB,
    pssAfterMB: run.pssAfterMB,
    pssRiseByKindMB: run.pssRiseByKindMB,
    atPssPeak: run.atPssPeak,
  };
}

/**
 * Records, in the page, when the backup's progress line changes (epoch ms and its phase), so the
 * memory timeline can be read against the work: building the zip, checking it, encrypting.
 */
function recordPhases() {
  const seen = [];
  window.__backupPhases = seen;
  const phase = () => {
    const text = document.querySelector('[data-testid=backup-progress]')?.textContent ?? '';
    return text.trim().replace(/\s*[\d.,]+\s*[kMG]?B of .*$/, '') || null;
  };
  new MutationObserver(() => {
    const now = phase();
    if (seen.at(-1)?.[1] !== now) seen.push([Date.now(), now]);
  }).observe(document.body, { subtree: true, childList: true, characterData: true });
}

/** A step's memory timeline with the page's phases and the download's marks, in step seconds. */
function timelineOf(run, phases, marks) {
  const at = (ms) => Math.round((ms - run.startedAt) / 100) / 10;
  return {
    columns: ['s', 'rssMB', 'pssMB', 'pssMB by kind'],
    samples: run.timeline,
    phases: phases.map(([ms, phase]) => [at(ms), phase]),
    marks: Object.fromEntries(Object.entries(marks).map(([name, ms]) => [name, at(ms)])),
  };
}

/** Waits on Settings until the semantic index says it is up to date (the app has settled). */
async function settledSettings(page, url, timeoutMs) {
  await openSettings(page, url);
  await page
    .locator('[data-testid=memory-progress][data-state=idle]', { hasText: 'Up to date' })
    .waitFor({ timeout: timeoutMs });
}

/**
 * Imports the model folder `folder` on Models and waits for its own row (named after the folder).
 * Not "one more row than before": the list fills from IndexedDB after the heading shows, so a
 * count taken early can be 0 and the already installed `lookup` row ends the wait at once; the
 * bench then left the page, which stopped the import, and backed up without the big model.
 */
async function importBigModel(page, url, root, folder, timeoutMs) {
  await page.goto(`${url}models`);
  await page.getByRole('heading', { name: 'Models', level: 1 }).waitFor();
  const name = basename(folder);
  const row = page.getByTestId('installed-model').filter({
    has: page.getByRole('heading', { name, exact: true }),
  });
  return step(page, root, async () => {
    await page.getByLabel('Model folder').setInputFiles(folder);
    await row.or(page.getByTestId('model-import-error')).first().waitFor({ timeout: timeoutMs });
  });
}

async function backUp(page, url, root, { dir, passphrase, timeoutMs, baseline, minBytes = 0 }) {
  await settledSettings(page, url, timeoutMs);
  if (passphrase) {
    await page.getByTestId('backup-passphrase').fill(passphrase);
    await page.getByTestId('backup-passphrase-repeat').fill(passphrase);
  } else await page.getByRole('checkbox', { name: /Don't encrypt/ }).check();
  await page.getByRole('checkbox', { name: /Include the semantic index/ }).check();
  const models = page.getByTestId('backup-include-models');
  await models.check();
  const carried = (await page.locator('label', { has: models }).innerText()).trim();
  const name = passphrase ? 'backup.zip.age' : 'backup.zip';
  const click = () => page.getByRole('button', { name: 'Back up everything' }).click();
  // A backup that fails shows an error instead of a download: stop there rather than time out.
  const failed = page.getByTestId('backup-error');
  await page.evaluate(recordPhases);
  const marks = {};
  const run = await step(
    page,
    root,
    () => {
      const saved = download(page, click, dir, name, marks);
      const error = failed.waitFor({ timeout: timeoutMs }).then(async () => {
        throw new Error(`backup: ${await failed.innerText()}`);
      });
      saved.catch(() => {});
      error.catch(() => {});
      return Promise.race([saved, error]);
    },
    { timeline: true },
  );
  const bytes = statSync(run.result).size;
  // A bundle smaller than the model it was told to carry is not the step this bench measures.
  if (bytes < minBytes)
    throw new Error(`backup: ${bytes} bytes, less than the ${minBytes} it must carry (${carried})`);
  const timeline = timelineOf(run, await page.evaluate(() => window.__backupPhases), marks);
  return { file: run.result, carried, timeline, ...row(bytes, run, baseline) };
}

async function restore(url, profileDir, file, { passphrase, timeoutMs, baseline }) {
  const context = await launchPersistent(profileDir);
  const root = browserPid();
  const blocked = await guard(context);
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(url);
    // A fresh profile precaches the app and the ONNX runtime first: not part of the restore.
    await page.evaluate(() => navigator.serviceWorker.ready);
    await openSettings(page, url);
    await page.getByRole('button', { name: 'Restore from backup…' }).click();
    const dialog = page.getByTestId('restore-dialog');
    const failed = dialog.getByTestId('restore-error');
    const open = await step(page, root, async () => {
      await dialog.getByTestId('restore-file').setInputFiles(file);
      if (passphrase) {
        await dialog.getByLabel('Passphrase').fill(passphrase);
        await dialog.getByRole('button', { name: 'Open' }).click();
      }
      await dialog
        .getByTestId('restore-merge-summary')
        .or(failed)
        .first()
        .waitFor({ timeout: timeoutMs });
    });
    if (await failed.count()) throw new Error(`restore: ${await failed.innerText()}`);
    const text = async (id) =>
      (await dialog.getByTestId(id).count())
        ? (await dialog.getByTestId(id).innerText()).trim()
        : null;
    const shown = { index: await text('restore-index'), models: await text('restore-models') };
    const merge = await step(page, root, async () => {
      await dialog.getByRole('button', { name: 'Merge' }).click();
      await dialog.getByTestId('restore-done').or(failed).first().waitFor({ timeout: timeoutMs });
    });
    if (await failed.count()) throw new Error(`merge: ${await failed.innerText()}`);
    const bytes = statSync(file).size;
    const both = { ms: open.ms + merge.ms };
    const whole = mbps(bytes, both.ms);
    return {
      blocked,
      shown: { ...shown, done: await text('restore-done') },
      open: row(bytes, open, baseline?.open),
      merge: row(bytes, merge, baseline?.merge),
      whole: {
        seconds: round(both.ms / 1000, 2),
        mbPerS: whole,
        vsPlain: baseline ? round(whole / baseline.whole.mbPerS, 2) : 1,
      },
    };
  } finally {
    await context.close();
  }
}

export async function benchBackupFull(port, config = backupFullConfig, outDir = undefined) {
  const started = Date.now();
  const work = mkdtempSync(join(tmpdir(), 'hearth-backup-full-'));
  const out = {
    config: { ...config, passphrase: undefined },
    loadAverage1m: {},
    steps: {},
    timelines: {},
  };
  const save = () => {
    mkdirSync('bench/out', { recursive: true });
    writeFileSync('bench/out/backup-full.json', JSON.stringify(out, null, 2));
  };
  const load = (label) => (out.loadAverage1m[label] = round(loadavg()[0], 2));
  const done = (name, value) => {
    out.steps[name] = value;
    load(name);
    save();
    log(`${name}: ${JSON.stringify(value).slice(0, 300)}`);
  };
  load('start');
  const { timeoutMs } = config;
  const vaultDir = join(work, 'vault');
  const spec = { notes: config.notes, seed: config.seed };
  if (config.meanNoteBytes) spec.meanNoteBytes = config.meanNoteBytes;
  const written = (await fixtureModule('vault-generator')).writeVault(vaultDir, spec);
  const bertDir = generateModel(join(work, 'lookup'), ['--shape', 'lookup']);
  const tinyLlama = await (await fixtureModule('tiny-llama')).generateTinyLlama(join(work, 'tl'));
  const modelBytes = config.modelMiB * 1024 * 1024;
  const llamaDir = await bigModel(work, modelBytes, tinyLlama.dir);
  out.vault = { notes: written.notes, bytes: written.bytes, languages: written.languages };
  out.modelFileBytes = modelBytes;
  const server = await startPreview(port, { outDir });
  let source = null;
  try {
    log('source profile: import notes');
    source = await launchPersistent(join(work, 'source'), { acceptDownloads: true });
    const root = browserPid();
    const blocked = await guard(source);
    const page = source.pages()[0] ?? (await source.newPage());
    await page.addInitScript(installLongTaskProbe);
    await withoutSavePicker(source);
    const cdp = await source.newCDPSession(page);
    await cdp.send('Performance.enable');
    const notes = await importNotes(page, server.url, vaultDir, timeoutMs);
    done('importNotes', notes);

    log('index with the lookup model');
    await page.goto(`${server.url}models`);
    await page.evaluate(() => navigator.serviceWorker.ready);
    const indexed = await watchIndexing(page, cdp, {
      notes: notes.added,
      start: importModelThenSettings(page, bertDir),
      timeoutMs,
    });
    const { chunks, vectors, startToUpToDateMs, chunksPerS } = indexed;
    done('index', { chunks, vectors, startToUpToDateMs, chunksPerS });
    await cdp.detach();

    log('import the big model');
    const model = await importBigModel(page, server.url, root, llamaDir, timeoutMs);
    const importError = page.getByTestId('model-import-error');
    if (await importError.count())
      throw new Error(`model import: ${await importError.innerText()}`);
    done('importModel', row(modelBytes, model, null));

    log('back up, plain zip (baseline)');
    const options = { dir: work, timeoutMs, minBytes: modelBytes };
    const plain = await backUp(page, server.url, root, { ...options, passphrase: null });
    out.timelines.backUpPlain = plain.timeline;
    done('backUpPlain', { ...plain, file: undefined, timeline: undefined });
    log('back up, encrypted');
    const sealed = await backUp(page, server.url, root, {
      ...options,
      passphrase: config.passphrase,
      baseline: plain,
    });
    out.timelines.backUpEncrypted = sealed.timeline;
    done('backUpEncrypted', { ...sealed, file: undefined, timeline: undefined });
    await source.close();
    source = null;
    if (!config.restore) {
      out.blocked = blocked;
      out.totalMs = Date.now() - started;
      save();
      return out;
    }

    log('restore the plain zip into a fresh profile');
    const restorePlain = await restore(server.url, join(work, 'target-plain'), plain.file, {
      timeoutMs,
    });
    done('restorePlain', restorePlain);
    rmSync(join(work, 'target-plain'), { recursive: true, force: true });
    log('restore the encrypted backup into a fresh profile');
    const restoreSealed = await restore(server.url, join(work, 'target-sealed'), sealed.file, {
      passphrase: config.passphrase,
      timeoutMs,
      baseline: restorePlain,
    });
    done('restoreEncrypted', restoreSealed);
    out.blocked = [...blocked, ...restorePlain.blocked, ...restoreSealed.blocked];
    out.totalMs = Date.now() - started;
    save();
    return out;
  } finally {
    await source?.close();
    server.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const env = (name, fallback) => (process.env[name] ? Number(process.env[name]) : fallback);
  const port = env('HEARTH_BENCH_PORT', 4350);
  const config = {
    ...backupFullConfig,
    notes: env('BACKUP_FULL_NOTES', backupFullConfig.notes),
    meanNoteBytes: env('BACKUP_FULL_NOTE_BYTES', backupFullConfig.meanNoteBytes),
    modelMiB: env('BACKUP_FULL_MODEL_MIB', backupFullConfig.modelMiB),
    restore: env('BACKUP_FULL_RESTORE', 1) !== 0,
  };
  const result = {
    machine: await machine(),
    backupFull: await benchBackupFull(port, config, process.argv[2]),
  };
  console.log(JSON.stringify(result, null, 2));
}
