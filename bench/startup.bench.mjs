// Offline cold start to interactive, and the initial JS the app ships (gzip).
// Baseline in the same run: the same start online from the network, with no service worker.
// First visit: first contentful paint (index.html's static shell) against the moment the app's
// own view is up ('hearth:interactive'), which is when the first paint came before the shell.
import { readFileSync, readdirSync, statSync, mkdtempSync, rmSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { launch, launchPersistent, guard, median, startPreview } from './harness.mjs';

const dist = 'dist';

function initialJs() {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const files = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]);
  const sizes = files.map((f) => gzipSync(readFileSync(join(dist, f)), { level: 9 }).length);
  const all = readdirSync(join(dist, 'assets')).filter((f) => f.endsWith('.js'));
  return {
    initialFiles: files,
    initialGzipKB: +(sizes.reduce((a, b) => a + b, 0) / 1024).toFixed(1),
    allJsFiles: all.length,
    allJsGzipKB: +(
      all.reduce((a, f) => a + gzipSync(readFileSync(join(dist, 'assets', f))).length, 0) / 1024
    ).toFixed(1),
    allJsRawKB: +(
      all.reduce((a, f) => a + statSync(join(dist, 'assets', f)).size, 0) / 1024
    ).toFixed(1),
  };
}

function firstContentfulPaintMs(page) {
  return page.evaluate(
    () => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
  );
}

async function interactiveMs(page) {
  await page.getByRole('button', { name: 'New note' }).waitFor();
  return page.evaluate(
    () => performance.getEntriesByName('hearth:interactive')[0]?.startTime ?? NaN,
  );
}

export async function benchStartup(port = 4191, runs = 5) {
  const server = await startPreview(port);
  const profile = mkdtempSync(join(tmpdir(), 'hearth-bench-'));
  try {
    const online = [];
    const firstPaint = [];
    const browser = await launch();
    for (let i = 0; i < runs; i++) {
      const context = await browser.newContext({ serviceWorkers: 'block' });
      await guard(context);
      const page = await context.newPage();
      await page.goto(server.url);
      online.push(await interactiveMs(page));
      firstPaint.push(await firstContentfulPaintMs(page));
      await context.close();
    }
    await browser.close();

    // Install once online, then start cold (fresh browser process) offline each time.
    let context = await launchPersistent(profile);
    let page = context.pages()[0] ?? (await context.newPage());
    await page.goto(server.url);
    await page.evaluate(() => navigator.serviceWorker.ready);
    await context.close();
    const offline = [];
    for (let i = 0; i < runs; i++) {
      context = await launchPersistent(profile, { offline: true });
      const blocked = await guard(context);
      page = context.pages()[0] ?? (await context.newPage());
      await page.goto(server.url);
      offline.push(await interactiveMs(page));
      if (blocked.length) throw new Error(`requests left localhost: ${blocked.join(', ')}`);
      await context.close();
    }
    return {
      offlineColdStartMs: {
        median: +median(offline).toFixed(1),
        runs: offline.map((v) => +v.toFixed(1)),
      },
      baselineOnlineNoServiceWorkerMs: {
        median: +median(online).toFixed(1),
        runs: online.map((v) => +v.toFixed(1)),
      },
      firstVisit: {
        firstContentfulPaintMs: {
          median: +median(firstPaint).toFixed(1),
          runs: firstPaint.map((v) => +v.toFixed(1)),
        },
        appInteractiveMs: { median: +median(online).toFixed(1) },
        goalFirstPaintMs: 300,
      },
      js: initialJs(),
    };
  } finally {
    server.stop();
    rmSync(profile, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await benchStartup(), null, 2));
}
