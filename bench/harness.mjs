// Shared bench plumbing: serve the production build, launch the system Chromium.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium } from 'playwright-core';
import { runnerImport } from 'vite';
import { findBrowser, chromiumArgs } from '../scripts/find-browser.mjs';

const sharedCorpus = new URL('../../shared/corpus/tldr/', import.meta.url).pathname;
const fixtureCorpus = new URL('../tests/fixtures/corpus/tldr/', import.meta.url).pathname;

/**
 * The tldr pages the benches import: the full corpus in ../shared/ when this checkout sits
 * beside it, else the committed subset (2,553 pages, tests/fixtures/corpus/). Every bench that
 * uses it reports `corpusSource`, so figures from the two are never compared by mistake.
 */
export const corpusDir = existsSync(sharedCorpus) ? sharedCorpus : fixtureCorpus;
export const corpusSource = existsSync(sharedCorpus)
  ? { dir: '../shared/corpus/tldr', fallback: false }
  : {
      dir: 'tests/fixtures/corpus/tldr',
      fallback: true,
      note: '../shared/corpus/ is absent: measured on the committed subset of the tldr pages',
    };

/**
 * Serves dist/ with vite's own script rather than `npx`, so stopping it ends the server too
 * (killing npx leaves its vite child holding the port). Refuses a port already in use, so a stale
 * server is never measured by mistake. `outDir` serves another build than dist/ (the vector bench's).
 */
export async function startPreview(port, { outDir } = {}) {
  const url = `http://localhost:${port}/`;
  const up = () =>
    fetch(url).then(
      (r) => r.ok,
      () => false,
    );
  if (await up()) throw new Error(`port ${port} is in use`);
  const vite = new URL('../node_modules/vite/bin/vite.js', import.meta.url).pathname;
  const server = spawn(
    process.execPath,
    [
      vite,
      'preview',
      '--port',
      String(port),
      '--strictPort',
      ...(outDir ? ['--outDir', outDir] : []),
    ],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  for (let i = 0; i < 100; i++) {
    if (await up()) return { url, stop: () => server.kill() };
    await sleep(200);
  }
  server.kill();
  throw new Error('vite preview did not start');
}

/** A TypeScript fixture (`tests/fixtures/<name>.ts`), loaded through Vite's module runner. */
export async function fixtureModule(name) {
  const file = new URL(`../tests/fixtures/${name}.ts`, import.meta.url).pathname;
  return (await runnerImport(file, { configFile: false, logLevel: 'warn' })).module;
}

export async function launch(options = {}) {
  return chromium.launch({ executablePath: findBrowser(), args: chromiumArgs, ...options });
}

export async function launchPersistent(dir, options = {}) {
  return chromium.launchPersistentContext(dir, {
    executablePath: findBrowser(),
    args: chromiumArgs,
    ...options,
  });
}

/** Blocks (and records) anything off localhost, like the e2e guard. */
export async function guard(context) {
  const blocked = [];
  await context.route('**/*', (route) => {
    const { hostname, protocol } = new URL(route.request().url());
    if (
      protocol === 'data:' ||
      protocol === 'blob:' ||
      hostname === 'localhost' ||
      hostname === '127.0.0.1'
    ) {
      return route.fallback();
    }
    blocked.push(route.request().url());
    return route.abort();
  });
  return blocked;
}

/**
 * Takes `showSaveFilePicker` away from every page of `context`, so "Back up everything" takes
 * the download path. Headless Chromium offers the picker, but its dialog never answers: since
 * a1eb2f4 a backup that asks for it waits for ever, with no download and no error. (Window is a
 * [Global] interface, so the method lives on the window object; the prototype is cleared too.)
 */
export async function withoutSavePicker(context) {
  await context.addInitScript(() => {
    delete window.showSaveFilePicker;
    delete Window.prototype.showSaveFilePicker;
  });
}

/** Imports a folder through the app's folder input and waits for the report. */
export async function importFolder(page, dir, timeoutMs = 900_000) {
  const started = Date.now();
  await page.setInputFiles('[data-testid=import-folder-input]', dir);
  await page.getByTestId('import-added').waitFor({ timeout: timeoutMs });
  const added = Number((await page.getByTestId('import-added').textContent()).replace(/\D/g, ''));
  return { added, ms: Date.now() - started };
}

/** Imports the whole corpus through the folder input and waits for the report. */
export async function importCorpus(page, timeoutMs = 900_000) {
  return importFolder(page, corpusDir, timeoutMs);
}

/** A folder input of the bench's own (id `id`) holding the whole corpus, outside the app's UI. */
export async function corpusFileInput(page, id) {
  await page.evaluate((inputId) => {
    const input = document.createElement('input');
    input.type = 'file';
    input.webkitdirectory = true;
    input.id = inputId;
    document.body.append(input);
  }, id);
  await page.setInputFiles(`#${id}`, corpusDir);
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export const machine = async () => {
  const os = await import('node:os');
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    memGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
  };
};
