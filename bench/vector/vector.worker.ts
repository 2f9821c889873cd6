// Runs in a module worker, like the memory worker: builds each index kind over the same synthetic
// vectors, times searches against exact float search, and saves/restores through the real
// IndexedDB repository. Reports numbers only, asserts nothing.
import type { VectorIndex, VectorIndexFactory } from '../../src/lib/search/vector-index';
import { indexFactories, defaultIndexKind } from '../../src/lib/search/index-registry';
import { bqTuning } from '../../src/lib/search/bq-index';
import {
  deleteIndexSnapshot,
  loadIndexSnapshot,
  saveIndexSnapshot,
} from '../../src/lib/db/index-blocks-repo';
import { sequentialLabels, vectorSource } from '../../tests/fixtures/clustered-vectors';

interface Config {
  sizes: number[];
  kinds: string[];
  queries: number;
  /** Per kind, the largest size to build (voy fails at 100k; float snapshots at 1M are 1.5 GB). */
  maxBuild: Record<string, number>;
  maxPersist: Record<string, number>;
  uniformSizes: number[];
  uniformKinds: string[];
}

const d = 384;
const batchSize = 50_000;
const round = (x: number, digits = 2) => +x.toFixed(digits);
const log = (text: string) => postMessage({ kind: 'log', text });
const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

function timeSearches(index: VectorIndex, queries: Float32Array, count: number) {
  const hits: number[][] = [];
  const ms: number[] = [];
  for (let q = 0; q < Math.min(10, count); q++)
    index.search(queries.subarray(q * d, (q + 1) * d), 10);
  for (let q = 0; q < count; q++) {
    const t0 = performance.now();
    const found = index.search(queries.subarray(q * d, (q + 1) * d), 10);
    ms.push(performance.now() - t0);
    hits.push(found.map((h) => h.label));
  }
  ms.sort((a, b) => a - b);
  return { hits, p50Ms: round(pct(ms, 50)), p95Ms: round(pct(ms, 95)), maxMs: round(ms.at(-1)!) };
}

function recall(truth: number[][], found: number[][]): number {
  let matched = 0;
  truth.forEach((t, q) => {
    const set = new Set(t);
    matched += found[q]!.filter((l) => set.has(l)).length;
  });
  return round(matched / (truth.length * 10), 4);
}

async function persist(
  kind: string,
  factory: VectorIndexFactory,
  index: VectorIndex,
  n: number,
  queries: Float32Array,
) {
  const modelId = `bench-${kind}-${n}`;
  let t0 = performance.now();
  const parts = index.serialize();
  const serializeMs = performance.now() - t0;
  const bytes = parts.reduce((sum, p) => sum + p.byteLength, 0);
  t0 = performance.now();
  await saveIndexSnapshot(
    modelId,
    { kind, dimensions: d, count: index.size, generation: 1 },
    parts,
  );
  const writeMs = performance.now() - t0;
  parts.length = 0;
  t0 = performance.now();
  const snapshot = await loadIndexSnapshot(modelId);
  const readMs = performance.now() - t0;
  const restored = await factory.restore(snapshot!.parts, d);
  const restoreMs = performance.now() - t0;
  const query = queries.subarray(0, d);
  const same =
    JSON.stringify(restored.search(query, 10)) === JSON.stringify(index.search(query, 10));
  restored.dispose();
  await deleteIndexSnapshot(modelId);
  return {
    serializeMs: Math.round(serializeMs),
    idbWriteMs: Math.round(writeMs),
    idbReadMs: Math.round(readMs),
    restoreFromIdbMs: Math.round(restoreMs),
    snapshotBytes: bytes,
    bytesPerVector: Math.round(bytes / n),
    restoredSearchIdentical: same,
  };
}

async function runSize(n: number, config: Config, uniform: boolean) {
  const kinds = (uniform ? config.uniformKinds : config.kinds).filter(
    (k) => n <= (config.maxBuild[k] ?? Infinity),
  );
  const skipped = (uniform ? config.uniformKinds : config.kinds)
    .filter((k) => !kinds.includes(k))
    .map((k) => ({ kind: k, reason: `not built above ${config.maxBuild[k]} vectors` }));
  log(`${uniform ? 'uniform' : 'clustered'} ${n}: ${kinds.join(', ')}`);
  const source = vectorSource(n, { dimensions: d, seed: 1234 + n, uniform });
  const exact = await (await indexFactories['flat-f32']()).create(d);
  const built: {
    kind: string;
    factory: VectorIndexFactory;
    index: VectorIndex;
    buildMs: number;
    error?: string;
  }[] = [];
  for (const kind of kinds.filter((k) => k !== 'flat-f32')) {
    const factory = await indexFactories[kind as keyof typeof indexFactories]();
    built.push({ kind, factory, index: await factory.create(d), buildMs: 0 });
  }
  let exactBuildMs = 0;
  let generateMs = 0;
  for (let at = 0; at < n; at += batchSize) {
    let t0 = performance.now();
    const vectors = source.batch(Math.min(batchSize, n - at));
    const labels = sequentialLabels(vectors.length / d, at + 1);
    generateMs += performance.now() - t0;
    t0 = performance.now();
    exact.add(labels, vectors);
    exactBuildMs += performance.now() - t0;
    for (const entry of built) {
      if (entry.error) continue;
      t0 = performance.now();
      try {
        entry.index.add(labels, vectors);
      } catch (error) {
        entry.error = String(error);
      }
      entry.buildMs += performance.now() - t0;
    }
  }
  const queries = source.batch(config.queries);
  log(`  generated in ${Math.round(generateMs)} ms; exact search…`);
  const truth = timeSearches(exact, queries, config.queries);
  const results: Record<string, unknown>[] = [];
  const exactRow: Record<string, unknown> = {
    kind: 'flat-f32',
    buildMs: Math.round(exactBuildMs),
    p50Ms: truth.p50Ms,
    p95Ms: truth.p95Ms,
    maxMs: truth.maxMs,
    recallAt10: 1,
  };
  if (!uniform && n <= (config.maxPersist['flat-f32'] ?? Infinity))
    Object.assign(
      exactRow,
      await persist('flat-f32', await indexFactories['flat-f32'](), exact, n, queries),
    );
  else if (!uniform)
    exactRow.persist = `skipped above ${config.maxPersist['flat-f32']} vectors (1.5 KB/vector)`;
  results.push(exactRow);
  for (const entry of built) {
    log(`  ${entry.kind}…`);
    if (entry.error) {
      results.push({
        kind: entry.kind,
        failed: entry.error,
        failedAfterMs: Math.round(entry.buildMs),
      });
      entry.index.dispose();
      continue;
    }
    let timed: ReturnType<typeof timeSearches>;
    try {
      timed = timeSearches(entry.index, queries, config.queries);
    } catch (error) {
      results.push({
        kind: entry.kind,
        buildMs: Math.round(entry.buildMs),
        searchFailed: String(error),
      });
      continue;
    }
    const row: Record<string, unknown> = {
      kind: entry.kind,
      buildMs: Math.round(entry.buildMs),
      buildMsPerVector: round(entry.buildMs / n, 4),
      p50Ms: timed.p50Ms,
      p95Ms: timed.p95Ms,
      maxMs: timed.maxMs,
      recallAt10: recall(truth.hits, timed.hits),
    };
    if (entry.kind === 'bq-int8') {
      const sweep: Record<string, unknown>[] = [];
      const keep = bqTuning.keepShare;
      for (const keepShare of [0.01, 0.1]) {
        bqTuning.keepShare = keepShare;
        const t = timeSearches(entry.index, queries, config.queries);
        sweep.push({
          keepShare,
          p50Ms: t.p50Ms,
          p95Ms: t.p95Ms,
          recallAt10: recall(truth.hits, t.hits),
        });
      }
      bqTuning.keepShare = keep;
      row.keepShare = keep;
      row.keepShareSweep = sweep;
    }
    if (!uniform && n <= (config.maxPersist[entry.kind] ?? Infinity))
      try {
        Object.assign(row, await persist(entry.kind, entry.factory, entry.index, n, queries));
      } catch (error) {
        row.persistFailed = String(error);
        await deleteIndexSnapshot(`bench-${entry.kind}-${n}`);
      }
    results.push(row);
    entry.index.dispose();
  }
  exact.dispose();
  return { vectors: n, data: uniform ? 'uniform' : 'clustered', skipped, results };
}

addEventListener('message', ({ data }: MessageEvent) => {
  const config = data as Config;
  void (async () => {
    try {
      const runs = [];
      for (const n of config.sizes) runs.push(await runSize(n, config, false));
      for (const n of config.uniformSizes) runs.push(await runSize(n, config, true));
      postMessage({
        kind: 'done',
        result: { defaultIndexKind, dimensions: d, queries: config.queries, runs },
      });
    } catch (error) {
      postMessage({
        kind: 'error',
        error: error instanceof Error ? `${error.message}\n${error.stack}` : String(error),
      });
    }
  })();
});
postMessage({ kind: 'ready' });
