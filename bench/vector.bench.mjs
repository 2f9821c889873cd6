// Vector indexes at 384 dims in Chromium, in a module worker, on the four shapes of data of
// tests/fixtures/clustered-vectors.ts (tight clusters, loose clusters, clusters plus a shared mean
// direction, uniform) at 100k vectors: build, the default index's recall self-check, search p50/p95
// and recall@10 against exact float search at every search level (recall-vs-cost curve), the
// levers (no centring, a sign-bit query, the first bq-int8), serialize + IndexedDB write, restore
// and the check after restore, bytes per vector; and the default index on query-shaped vectors
// (offset 0.4 / 0.8) at the start and after it was asked 64 of them (bench/vector/query-shift.ts,
// `queryShift` in each run's result). Builds its own small page (bench/vector/) with the
// app's Vite config, so the app's CSP applies. VECTOR_BENCH_QUICK=1: 10k only; VECTOR_BENCH_1M=1
// adds 1M tight vectors.
import { writeFileSync } from 'node:fs';
import { build } from 'vite';
import { guard, launch, machine, startPreview } from './harness.mjs';

const outDir = 'bench/out/vector-site';

const shapes = ['tight', 'loose', 'mean', 'uniform'];

export const vectorBenchConfig = {
  queries: 100,
  runs: [
    // voy fails to build at 100k (FACTS): measured at 10k only.
    { shape: 'tight', size: 10_000, kinds: ['flat-int8', 'voy'], levers: false, persist: true },
    ...shapes.map((shape) => ({
      shape,
      size: 100_000,
      kinds: ['flat-int8'],
      levers: true,
      persist: true,
      queryShift: true,
    })),
  ],
};

const quickConfig = {
  queries: 100,
  runs: shapes.map((shape) => ({
    shape,
    size: 10_000,
    kinds: ['flat-int8'],
    levers: true,
    persist: true,
    queryShift: true,
  })),
};

const millionRun = { shape: 'tight', size: 1_000_000, kinds: [], levers: false, persist: false };

export async function benchVector(port = 4195, config = vectorBenchConfig) {
  await build({
    configFile: 'vite.config.ts',
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, rollupOptions: { input: 'bench/vector/index.html' } },
  });
  // The preview server's readiness check asks for `/`.
  writeFileSync(`${outDir}/index.html`, '<!doctype html><title>Hearth vector bench</title>\n');
  const server = await startPreview(port, { outDir });
  const browser = await launch();
  try {
    const context = await browser.newContext();
    const blocked = await guard(context);
    const page = await context.newPage();
    page.on('console', (m) => process.stderr.write(`[vector] ${m.text()}\n`));
    await page.goto(`${server.url}bench/vector/index.html`);
    const started = Date.now();
    const result = await page.evaluate((c) => window.runVectorBench(c), config);
    if (blocked.length) throw new Error(`requests left localhost: ${blocked.join(', ')}`);
    return { ...result, totalMs: Date.now() - started, config };
  } finally {
    await browser.close();
    server.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const port = Number(process.env.HEARTH_BENCH_PORT ?? process.env.HEARTH_PORT ?? 4195);
  const base = process.env.VECTOR_BENCH_QUICK ? quickConfig : vectorBenchConfig;
  const config = process.env.VECTOR_BENCH_1M ? { ...base, runs: [...base.runs, millionRun] } : base;
  console.log(
    JSON.stringify({ machine: await machine(), vector: await benchVector(port, config) }, null, 2),
  );
}
