// Where the keyword restore's time goes at start (issue 13 part 3): every IndexedDB request of the
// page and of each worker, with start and end on one clock, from a reload until the search worker
// says the index is restored (plus HEARTH_TRACE_AFTER_MS). The generated vault
// (tests/fixtures/vault-generator.ts, seed 2024) of HEARTH_TRACE_NOTES notes (default 100,000,
// 1.5 KB on average as in scale.bench.mjs) is imported once into a persistent profile at
// HEARTH_TRACE_PROFILE and reused by later runs (a profile on disk, as a user has; the scale
// bench's contexts keep IndexedDB in memory). Prints JSON: per reload, the app's "restored in",
// the search worker's restore marks, and each context's requests, longest first.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fixtureModule, guard, launchPersistent, median, startPreview } from './harness.mjs';
import { idbTracer, idbTracerSource } from './scale/idb-tracer.mjs';
import { waitIndexedAndSaved } from './scale/index-status.mjs';

const env = process.env;
const notes = Number(env.HEARTH_TRACE_NOTES ?? 100_000);
const meanNoteBytes = Number(env.HEARTH_TRACE_NOTE_BYTES ?? 1_500);
const profileRoot = env.HEARTH_TRACE_PROFILE ?? join(tmpdir(), `hearth-trace-${notes}`);
const baselineDist = env.HEARTH_TRACE_BASELINE_DIST;
const reloads = Number(env.HEARTH_TRACE_RELOADS ?? 2);
const afterMs = Number(env.HEARTH_TRACE_AFTER_MS ?? 1_000);
const startPath = env.HEARTH_TRACE_PATH ?? 'search';
const port = Number(env.HEARTH_BENCH_PORT ?? 4221);
const outDir = env.HEARTH_OUT_DIR;
const round = (x) => Math.round(x * 10) / 10;
const load1 = () => round(loadavg()[0]);
const log = (line) => process.stderr.write(`[trace] ${line}\n`);

const restoredText = /Index: [\d,]+ notes · (restored|built) in/;

/** Imports the vault into a fresh profile, served from `url`, and waits until its keyword snapshot is saved. */
async function prepare(dir, url) {
  rmSync(dir, { recursive: true, force: true });
  const context = await launchPersistent(dir, { serviceWorkers: 'block' });
  const vaultDir = mkdtempSync(join(tmpdir(), 'hearth-trace-vault-'));
  try {
    const { writeVault } = await fixtureModule('vault-generator');
    writeVault(join(vaultDir, 'vault'), { notes, seed: 2024, meanNoteBytes });
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(`${url}${startPath}`);
    const started = Date.now();
    await page.setInputFiles('[data-testid=import-folder-input]', join(vaultDir, 'vault'), {
      timeout: 0,
    });
    await page.getByTestId('import-added').waitFor({ timeout: 3_600_000 });
    const importMs = Date.now() - started;
    await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();
    await waitIndexedAndSaved(page, notes);
    const prepared = {
      notes,
      meanNoteBytes,
      importMs,
      readyMs: Date.now() - started,
      load1: load1(),
    };
    log(`prepared ${dir} ${JSON.stringify(prepared)}`);
    writeFileSync(join(dir, 'hearth-trace.json'), JSON.stringify(prepared));
  } finally {
    await context.close();
    rmSync(vaultDir, { recursive: true, force: true });
  }
}

/**
 * A copy of the prepared profile for a build whose snapshot format differs: opened once with
 * that build, which rebuilds the keyword index from the notes and saves it in its own format.
 */
async function prepareCopy(from, dir, url) {
  if (existsSync(join(dir, 'hearth-trace.json'))) return;
  rmSync(dir, { recursive: true, force: true });
  cpSync(from, dir, { recursive: true });
  const context = await launchPersistent(dir, { serviceWorkers: 'block' });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const started = Date.now();
    await page.goto(`${url}${startPath}`);
    await page.getByText(restoredText).waitFor({ timeout: 3_600_000 });
    await waitIndexedAndSaved(page, notes);
    const status = (await page.getByTestId('search-index-status').textContent())?.trim();
    log(`rebuilt for this build in ${Date.now() - started} ms: ${status}`);
    writeFileSync(
      join(dir, 'hearth-trace.json'),
      JSON.stringify({ rebuiltMs: Date.now() - started }),
    );
  } finally {
    await context.close();
  }
}

/** Each context's trace, on the page's clock (ms since the page's navigation started). */
async function collect(page) {
  const origin = await page.evaluate(() => performance.timeOrigin);
  const contexts = [{ name: 'page', trace: await page.evaluate(() => self.__idbTrace ?? []) }];
  for (const worker of page.workers()) {
    const name = /([\w-]+\.worker)/.exec(worker.url())?.[1] ?? worker.url();
    const [trace, marks, workerOrigin] = await worker.evaluate(() => [
      self.__idbTrace ?? [],
      performance
        .getEntriesByType('mark')
        .map((m) => ({ name: m.name, at: performance.timeOrigin + m.startTime })),
      performance.timeOrigin,
    ]);
    contexts.push({ name, trace, marks, workerOrigin });
  }
  const rel = (t) => (t ? round(t - origin) : null);
  return contexts.map(({ name, trace, marks, workerOrigin }) => ({
    name,
    ...(workerOrigin ? { startedAtMs: rel(workerOrigin) } : {}),
    marks: marks?.map((m) => ({ name: m.name, atMs: rel(m.at) })),
    requests: trace.map((e) => ({
      op: e.op,
      store: e.store,
      ...(e.mode ? { mode: e.mode } : {}),
      tx: e.tx,
      startMs: rel(e.start),
      endMs: rel(e.end),
      ms: e.end ? round(e.end - e.start) : null,
      ...(e.first ? { firstMs: round(e.first - e.start) } : {}),
      n: e.n,
      ...(e.error ? { error: e.error } : {}),
    })),
  }));
}

/** A persistent context on `dir` with every IndexedDB request of the page and workers traced. */
async function tracedContext(dir) {
  const context = await launchPersistent(dir, { serviceWorkers: 'block' });
  await guard(context);
  await context.addInitScript(idbTracer);
  await context.route(/\/assets\/[^/]*\.worker[^/]*\.js$/, async (route) => {
    const response = await route.fetch();
    const body = idbTracerSource + (await response.text());
    await route.fulfill({ response, body });
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return { context, page };
}

async function measure(page, url) {
  const loadAtStart = load1();
  await page.goto(`${url}${startPath}`);
  await page.getByText(restoredText).waitFor({ timeout: 600_000 });
  const status = (await page.getByTestId('search-index-status').textContent())?.trim();
  const ms = Number(/in ([\d,]+) ms/.exec(status ?? '')?.[1]?.replace(/,/g, ''));
  await sleep(afterMs);
  const contexts = await collect(page);
  await page.goto('about:blank');
  await sleep(1_000);
  return { ms, status, loadAtStart, loadAtEnd: load1(), contexts };
}

/**
 * The stored snapshot record's fields and sizes, and how long reading it takes in the page with
 * nothing else running (three reads: the first may find the disk cache cold).
 */
async function snapshotShape(page, url) {
  await page.goto(`${url}favicon.svg`);
  return page.evaluate(async () => {
    const db = await new Promise((resolve, reject) => {
      const request = indexedDB.open('hearth');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const read = () =>
      new Promise((resolve, reject) => {
        const request = db.transaction('meta').objectStore('meta').get('search-index');
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
    const readsMs = [];
    let record;
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      record = await read();
      readsMs.push(Math.round(performance.now() - t0));
    }
    db.close();
    const describe = (value) => {
      if (typeof value === 'string') {
        let twoByte = false;
        for (let i = 0; i < value.length && !twoByte; i++) twoByte = value.charCodeAt(i) > 0xff;
        return { string: value.length, twoByte };
      }
      if (ArrayBuffer.isView(value)) return { bytes: value.byteLength };
      if (Array.isArray(value)) return { array: value.length };
      if (value && typeof value === 'object')
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, describe(v)]));
      return value;
    };
    const { index, ...rest } = record.value;
    return { readsMs, index: describe(index), rest: describe(rest) };
  });
}

async function main() {
  const builds = [{ name: 'this', dist: outDir, dir: join(profileRoot, 'this') }];
  if (baselineDist)
    builds.push({ name: 'baseline', dist: baselineDist, dir: join(profileRoot, 'baseline') });
  // The vault is imported once, by the baseline build when there is one.
  const first = builds.at(-1);
  let server = await startPreview(port, { outDir: first.dist });
  try {
    if (!existsSync(join(first.dir, 'hearth-trace.json'))) await prepare(first.dir, server.url);
    const prepared = JSON.parse(readFileSync(join(first.dir, 'hearth-trace.json'), 'utf8'));
    if (baselineDist) {
      server.stop();
      await sleep(500);
      server = await startPreview(port, { outDir });
      await prepareCopy(first.dir, builds[0].dir, server.url);
    }
    const runs = Object.fromEntries(builds.map((b) => [b.name, []]));
    for (const build of builds) Object.assign(build, await tracedContext(build.dir));
    try {
      for (let i = 0; i < reloads; i++) {
        for (const build of builds) {
          server.stop();
          await sleep(500);
          server = await startPreview(port, { outDir: build.dist });
          const run = await measure(build.page, server.url);
          runs[build.name].push(run);
          log(
            `${build.name} reload ${i + 1}: ${run.status} (load ${run.loadAtStart} → ${run.loadAtEnd})`,
          );
        }
      }
      for (const build of builds) {
        server.stop();
        await sleep(500);
        server = await startPreview(port, { outDir: build.dist });
        build.snapshot = await snapshotShape(build.page, server.url);
        log(`${build.name} snapshot ${JSON.stringify(build.snapshot)}`);
      }
    } finally {
      for (const build of builds) await build.context.close();
    }
    const medians = Object.fromEntries(
      Object.entries(runs).map(([name, list]) => [name, median(list.map((r) => r.ms))]),
    );
    console.log(
      JSON.stringify(
        {
          prepared,
          notes,
          meanNoteBytes,
          builds: builds.map((b) => ({
            name: b.name,
            dist: b.dist ?? 'dist',
            snapshot: b.snapshot,
          })),
          medians,
          runs,
        },
        null,
        1,
      ),
    );
  } finally {
    server.stop();
  }
}

await main();
