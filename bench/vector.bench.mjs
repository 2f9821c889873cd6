// Vector indexes at 384 dims in Chromium, in a module worker: build, search p50/p95 and recall@10
// against exact float search, serialize + IndexedDB write, restore from IndexedDB, bytes per
// vector, at 10k / 100k / 1M synthetic clustered vectors (plus a uniform-random control). Builds
// its own small page (bench/vector/) with the app's Vite config, so the app's CSP applies.
import { writeFileSync } from 'node:fs';
import { build } from 'vite';
import { guard, launch, machine, startPreview } from './harness.mjs';

const outDir = 'bench/out/vector-site';

export const vectorBenchConfig = {
  sizes: [10_000, 100_000, 1_000_000],
  kinds: ['flat-f32', 'flat-int8', 'voy', 'bq-int8'],
  queries: 100,
  // voy fails to build at 100k (FACTS); it is still tried there once so the failure is measured.
  maxBuild: { voy: 100_000 },
  // A float snapshot at 1M is 1.5 GB: not written.
  maxPersist: { 'flat-f32': 100_000 },
  uniformSizes: [100_000],
  uniformKinds: ['flat-f32', 'flat-int8', 'bq-int8'],
};

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
  const config = process.env.VECTOR_BENCH_QUICK
    ? { ...vectorBenchConfig, sizes: [10_000], uniformSizes: [] }
    : vectorBenchConfig;
  console.log(
    JSON.stringify({ machine: await machine(), vector: await benchVector(port, config) }, null, 2),
  );
}
