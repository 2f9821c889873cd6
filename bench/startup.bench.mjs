// Offline cold start to interactive, and the initial JS the app ships (gzip).
// Baseline in the same run: the same start online from the network, with no service worker.
// First visit: first contentful paint (index.html's static shell) against the moment the app's
// own view is up ('hearth:interactive'), each visit in a fresh browser. HEARTH_BENCH_BASELINE_DIST
// names another build (e.g. main's) whose first visits alternate with this build's in the same
// run, so both meet the same machine load; so do their offline cold starts.
// HEARTH_OUT_DIR: the build measured (default dist/);
// HEARTH_BENCH_RUNS: visits per build (default 5).
import { readFileSync, readdirSync, statSync, mkdtempSync, rmSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { loadavg, tmpdir } from 'node:os';
import { launch, launchPersistent, guard, median, startPreview } from './harness.mjs';

const round1 = (v) => +v.toFixed(1);

/** The JS index.html names (entry and modulepreloads), and all JS the build holds. */
function initialJs(dist) {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const files = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]);
  const sizes = files.map((f) => gzipSync(readFileSync(join(dist, f)), { level: 9 }).length);
  const all = readdirSync(join(dist, 'assets')).filter((f) => f.endsWith('.js'));
  return {
    initialFiles: files,
    initialGzipKB: round1(sizes.reduce((a, b) => a + b, 0) / 1024),
    allJsFiles: all.length,
    allJsGzipKB: round1(
      all.reduce((a, f) => a + gzipSync(readFileSync(join(dist, 'assets', f))).length, 0) / 1024,
    ),
    allJsRawKB: round1(all.reduce((a, f) => a + statSync(join(dist, 'assets', f)).size, 0) / 1024),
  };
}

async function interactiveMs(page) {
  await page.getByRole('button', { name: 'New note' }).waitFor();
  return page.evaluate(
    () => performance.getEntriesByName('hearth:interactive')[0]?.startTime ?? NaN,
  );
}

/**
 * What the page had when: first contentful paint, and the scripts and stylesheets whose download
 * ended before it and before 'hearth:interactive' (bytes as sent: vite preview gzips them).
 */
function pageTimings(page) {
  return page.evaluate(() => {
    const fcp = performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN;
    const interactive = performance.getEntriesByName('hearth:interactive')[0]?.startTime ?? NaN;
    const resources = performance
      .getEntriesByType('resource')
      .filter((r) => /\.(m?js|css)$/.test(new URL(r.name).pathname));
    const before = (ms, ext) => {
      const done = resources.filter((r) => r.responseEnd <= ms && r.name.endsWith(ext));
      return { files: done.length, sentKB: done.reduce((a, r) => a + r.transferSize, 0) / 1024 };
    };
    return {
      fcp,
      interactive,
      jsBeforePaint: before(fcp, '.js'),
      cssBeforePaint: before(fcp, '.css'),
      jsBeforeInteractive: before(interactive, '.js'),
    };
  });
}

/** One first visit in a fresh browser process (empty profile, no service worker). */
async function firstVisit(url) {
  const load1 = loadavg()[0];
  const browser = await launch();
  try {
    const context = await browser.newContext({ serviceWorkers: 'block' });
    await guard(context);
    const page = await context.newPage();
    await page.goto(url);
    await interactiveMs(page);
    return { ...(await pageTimings(page)), load1 };
  } finally {
    await browser.close();
  }
}

function summary(visits) {
  const last = visits.at(-1);
  return {
    firstContentfulPaintMs: {
      median: round1(median(visits.map((v) => v.fcp))),
      runs: visits.map((v) => round1(v.fcp)),
    },
    appInteractiveMs: {
      median: round1(median(visits.map((v) => v.interactive))),
      runs: visits.map((v) => round1(v.interactive)),
    },
    load1m: visits.map((v) => +v.load1.toFixed(2)),
    lastVisit: {
      jsBeforePaint: last.jsBeforePaint,
      cssBeforePaint: last.cssBeforePaint,
      jsBeforeInteractive: last.jsBeforeInteractive,
    },
  };
}

/** First visits of this build and, when given, of the baseline build, taking turns. */
async function firstVisits(port, dist, baselineDist, runs) {
  const server = await startPreview(port, { outDir: dist });
  const baseline = baselineDist ? await startPreview(port + 1, { outDir: baselineDist }) : null;
  try {
    const mine = [];
    const theirs = [];
    for (let i = 0; i < runs; i++) {
      // Who goes first alternates too: the first visit of a pair may meet a colder machine.
      const order = i % 2 === 0 ? [server, baseline] : [baseline, server];
      for (const s of order) {
        if (!s) continue;
        (s === server ? mine : theirs).push(await firstVisit(s.url));
      }
    }
    return {
      thisBuild: summary(mine),
      ...(baseline ? { baselineBuild: { dist: baselineDist, ...summary(theirs) } } : {}),
      goalFirstPaintMs: 300,
    };
  } finally {
    server.stop();
    baseline?.stop();
  }
}

/** Installs a build once online; then each call of `start()` is a cold start, offline. */
async function offlineStarter(port, dist) {
  const server = await startPreview(port, { outDir: dist });
  const profile = mkdtempSync(join(tmpdir(), 'hearth-bench-'));
  let context = await launchPersistent(profile);
  let page = context.pages()[0] ?? (await context.newPage());
  await page.goto(server.url);
  await page.evaluate(() => navigator.serviceWorker.ready);
  await context.close();
  return {
    async start() {
      context = await launchPersistent(profile, { offline: true });
      try {
        const blocked = await guard(context);
        page = context.pages()[0] ?? (await context.newPage());
        await page.goto(server.url);
        const ms = await interactiveMs(page);
        if (blocked.length) throw new Error(`requests left localhost: ${blocked.join(', ')}`);
        return ms;
      } finally {
        await context.close();
      }
    },
    stop() {
      server.stop();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Cold starts offline (fresh browser process), this build's and the baseline's taking turns. */
async function offlineStarts(port, dist, baselineDist, runs) {
  const mine = await offlineStarter(port, dist);
  const theirs = baselineDist ? await offlineStarter(port + 1, baselineDist) : null;
  try {
    const times = new Map([mine, theirs].filter(Boolean).map((s) => [s, []]));
    for (let i = 0; i < runs; i++) {
      const order = i % 2 === 0 ? [mine, theirs] : [theirs, mine];
      for (const s of order) if (s) times.get(s).push(await s.start());
    }
    const summary = (ms) => ({ median: round1(median(ms)), runs: ms.map(round1) });
    return { mine: summary(times.get(mine)), theirs: theirs && summary(times.get(theirs)) };
  } finally {
    mine.stop();
    theirs?.stop();
  }
}

export async function benchStartup(
  port = 4191,
  {
    runs = Number(process.env.HEARTH_BENCH_RUNS ?? 5),
    dist = process.env.HEARTH_OUT_DIR ?? 'dist',
    baselineDist = process.env.HEARTH_BENCH_BASELINE_DIST,
  } = {},
) {
  const loadAtStart = loadavg().map((v) => +v.toFixed(2));
  const visits = await firstVisits(port, dist, baselineDist, runs);
  const offline = await offlineStarts(port, dist, baselineDist, runs);
  return {
    offlineColdStartMs: offline.mine,
    ...(offline.theirs ? { baselineBuildOfflineColdStartMs: offline.theirs } : {}),
    // The same start online with no service worker: this build's first visits.
    baselineOnlineNoServiceWorkerMs: {
      median: visits.thisBuild.appInteractiveMs.median,
      runs: visits.thisBuild.appInteractiveMs.runs,
    },
    firstVisit: visits,
    js: initialJs(dist),
    loadAverage: { start: loadAtStart, end: loadavg().map((v) => +v.toFixed(2)) },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const port = Number(process.env.HEARTH_PORT ?? 4191);
  console.log(JSON.stringify(await benchStartup(port), null, 2));
}
