// What a backup of everything costs (issue 12), through the real UI: a generated vault imported,
// then "Back up everything" without and with a passphrase (age, scrypt at the default work factor),
// against the plain notes export (format 1) of the same vault in the same run; then "Restore from
// backup…" of each into a fresh profile (open: decrypt and check everything; then merge). Reports
// MB/s (bundle bytes over time from click to download, or from Open to the preview and from Merge
// to done) and the browser's peak memory while each runs (the RSS of this bench's own browser's
// processes, sampled every 100 ms: the vault worker does the work, and its heap is not visible to
// the page). The page has no save dialog (withoutSavePicker), so backups are downloads. Never
// asserts.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { browserPid, download, measured, openSettings } from './backup/steps.mjs';
import {
  fixtureModule,
  guard,
  launch,
  machine,
  startPreview,
  withoutSavePicker,
} from './harness.mjs';
import { importNotes, round } from './ingest/steps.mjs';

export const bundleBenchConfig = { notes: 10_000, seed: 21, passphrase: 'bench-passphrase-1' };

const mbps = (bytes, ms) => round(bytes / 1e6 / (ms / 1000), 1);

async function backUp(page, url, root, dir, passphrase) {
  await openSettings(page, url);
  if (passphrase) {
    await page.getByTestId('backup-passphrase').fill(passphrase);
    await page.getByTestId('backup-passphrase-repeat').fill(passphrase);
  } else await page.getByRole('checkbox', { name: /Don't encrypt/ }).check();
  const name = passphrase ? 'backup.zip.age' : 'backup.zip';
  const run = await measured(root, () =>
    download(
      page,
      () => page.getByRole('button', { name: 'Back up everything' }).click(),
      dir,
      name,
    ),
  );
  const bytes = statSync(run.result).size;
  return {
    file: run.result,
    bytes,
    ms: round(run.ms),
    mbPerS: mbps(bytes, run.ms),
    rssPeakMB: round(run.rssPeakMB),
    rssRiseMB: round(run.rssRiseMB),
  };
}

async function restore(browser, root, url, file, passphrase) {
  const context = await browser.newContext({ acceptDownloads: true });
  const blocked = await guard(context);
  const page = await context.newPage();
  try {
    await page.goto(url);
    await openSettings(page, url);
    await page.getByRole('button', { name: 'Restore from backup…' }).click();
    const dialog = page.getByTestId('restore-dialog');
    const open = await measured(root, async () => {
      await dialog.getByTestId('restore-file').setInputFiles(file);
      if (passphrase) {
        await dialog.getByLabel('Passphrase').fill(passphrase);
        await dialog.getByRole('button', { name: 'Open' }).click();
      }
      await dialog.getByTestId('restore-merge-summary').waitFor({ timeout: 1_800_000 });
    });
    const merge = await measured(root, async () => {
      await dialog.getByRole('button', { name: 'Merge' }).click();
      await dialog.getByTestId('restore-done').waitFor({ timeout: 1_800_000 });
    });
    const bytes = statSync(file).size;
    return {
      blocked,
      openMs: round(open.ms),
      openMbPerS: mbps(bytes, open.ms),
      mergeMs: round(merge.ms),
      totalMbPerS: mbps(bytes, open.ms + merge.ms),
      rssPeakMB: round(Math.max(open.rssPeakMB, merge.rssPeakMB)),
      rssRiseMB: round(Math.max(open.rssPeakMB, merge.rssPeakMB) - open.rssBeforeMB),
    };
  } finally {
    await context.close();
  }
}

export async function benchBundle(port = 4198, config = bundleBenchConfig, outDir = undefined) {
  const started = Date.now();
  const work = mkdtempSync(join(tmpdir(), 'hearth-bundle-bench-'));
  const vaultDir = join(work, 'vault');
  const written = (await fixtureModule('vault-generator')).writeVault(vaultDir, {
    notes: config.notes,
    seed: config.seed,
  });
  const server = await startPreview(port, { outDir });
  const browser = await launch();
  const root = browserPid();
  const load = [loadavg()[0]];
  try {
    const context = await browser.newContext({ acceptDownloads: true });
    await withoutSavePicker(context);
    const blocked = await guard(context);
    const page = await context.newPage();
    const imported = await importNotes(page, server.url, vaultDir, 1_800_000);
    // Baseline: the notes export (format 1), the same notes as a plain zip.
    await page.goto(server.url);
    const plain = await measured(root, () =>
      download(
        page,
        () => page.getByRole('button', { name: 'Export', exact: true }).click(),
        work,
        'notes.zip',
      ),
    );
    const plainBytes = statSync(plain.result).size;
    const bundle = await backUp(page, server.url, root, work, null);
    const sealed = await backUp(page, server.url, root, work, config.passphrase);
    await context.close();
    load.push(loadavg()[0]);
    const restorePlain = await restore(browser, root, server.url, bundle.file, null);
    const restoreSealed = await restore(browser, root, server.url, sealed.file, config.passphrase);
    load.push(loadavg()[0]);
    const leaked = [...blocked, ...restorePlain.blocked, ...restoreSealed.blocked];
    if (leaked.length) throw new Error(`requests left localhost: ${leaked}`);
    const strip = ({ file: _f, blocked: _b, ...rest }) => rest;
    return {
      vault: { notes: imported.added, bytes: written.bytes, importMs: imported.importMs },
      baseline: {
        notesExportZip: {
          bytes: plainBytes,
          ms: round(plain.ms),
          mbPerS: mbps(plainBytes, plain.ms),
          rssPeakMB: round(plain.rssPeakMB),
          rssRiseMB: round(plain.rssRiseMB),
        },
      },
      export: { plainBundle: strip(bundle), encryptedBundle: strip(sealed) },
      import: { plainBundle: strip(restorePlain), encryptedBundle: strip(restoreSealed) },
      notIncluded:
        'no embedding model in this vault, so no index/ part (100k chunks); models/ is not written yet',
      loadAverage1m: load.map((l) => round(l, 2)),
      totalMs: Date.now() - started,
    };
  } finally {
    await browser.close();
    server.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { mkdirSync, writeFileSync } = await import('node:fs');
  const port = Number(process.env.HEARTH_BENCH_PORT ?? process.env.HEARTH_PORT ?? 4198);
  const notes = Number(process.env.BUNDLE_BENCH_NOTES ?? bundleBenchConfig.notes);
  const result = {
    machine: await machine(),
    bundle: await benchBundle(port, { ...bundleBenchConfig, notes }, process.argv[2]),
  };
  mkdirSync('bench/out', { recursive: true });
  writeFileSync('bench/out/bundle.json', JSON.stringify(result, null, 2));
  console.log(JSON.stringify(result, null, 2));
}
