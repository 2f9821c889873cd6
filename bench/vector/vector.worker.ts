// Runs in a module worker, like the memory worker: for each shape of data (tight clusters, loose
// clusters, clusters plus a shared mean direction, uniform), builds the exact float scan (the
// baseline), the exact int8 scan and the default index over the same vectors; lets the default
// index check its own recall; then measures recall@10 and p50 on held-out queries at every search
// level (the recall-vs-cost curve) and, with `levers`, the same curve without centring, with a
// sign-bit query (Hamming distance), and the first bq-int8; with `queryShift`, the default index on
// query-shaped vectors before and after it was asked some (query-shift.ts). Reports numbers only.
import type { VectorIndex, VectorIndexFactory } from '../../src/lib/search/vector-index';
import { indexFactories, defaultIndexKind } from '../../src/lib/search/index-registry';
import { BqInt8Index, bqInt8Factory } from '../../src/lib/search/bq-index';
import { exactBelow } from '../../src/lib/search/search-levels';
import { sampleGoal } from '../../src/lib/search/recall-check';
import { LegacyBqIndex } from './legacy-bq';
import { queryShiftRuns } from './query-shift';
import { curve, d, persist, recall, round, timeTogether, type Search } from './measure';
import {
  sequentialLabels,
  vectorSource,
  type VectorShape,
} from '../../tests/fixtures/clustered-vectors';

interface Run {
  shape: VectorShape;
  size: number;
  /** Besides flat-f32 (always) and bq-int8 (always): `flat-int8`, `voy`. */
  kinds: string[];
  levers: boolean;
  persist: boolean;
  /** Shifted (query-shaped) vectors against the default index: bench/vector/query-shift.ts. */
  queryShift?: boolean;
}

interface Config {
  queries: number;
  runs: Run[];
}

const batchSize = 50_000;
const log = (text: string) => postMessage({ kind: 'log', text });
const pause = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

interface Built {
  kind: string;
  index: VectorIndex;
  factory?: VectorIndexFactory;
  buildMs: number;
  error?: string;
}

async function build(run: Run) {
  const source = vectorSource(run.size, { dimensions: d, seed: 1234 + run.size, shape: run.shape });
  const exact = await (await indexFactories['flat-f32']()).create(d);
  const built: Built[] = [];
  for (const kind of run.kinds) {
    const factory = await indexFactories[kind as keyof typeof indexFactories]();
    built.push({ kind, factory, index: await factory.create(d), buildMs: 0 });
  }
  const bq = new BqInt8Index(d);
  built.push({ kind: 'bq-int8', factory: bqInt8Factory, index: bq, buildMs: 0 });
  if (run.levers) {
    const uncentred = new BqInt8Index(d, { centre: false });
    built.push({ kind: 'lever: no centring', index: uncentred, buildMs: 0 });
    built.push({
      kind: 'lever: sign-bit query',
      index: new BqInt8Index(d, { signQuery: true }),
      buildMs: 0,
    });
    built.push({ kind: 'bq-int8 v1 (before)', index: new LegacyBqIndex(d), buildMs: 0 });
  }
  let exactBuildMs = 0;
  let generateMs = 0;
  for (let at = 0; at < run.size; at += batchSize) {
    let t0 = performance.now();
    const vectors = source.batch(Math.min(batchSize, run.size - at));
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
  return { source, exact, exactBuildMs, generateMs, built, bq };
}

async function runOne(run: Run, queryCount: number) {
  log(`${run.shape} ${run.size}: building`);
  const { source, exact, exactBuildMs, generateMs, built, bq } = await build(run);
  const queries = source.batch(queryCount);
  const exactSearch: Search = (q) => exact.search(q, 10);
  const [truth] = timeTogether([exactSearch], queries, queryCount);
  log('  bq-int8 recall check…');
  const t0 = performance.now();
  const report = await bq.checkRecall(pause);
  const selfCheck = {
    checkMs: Math.round(performance.now() - t0),
    sampleSize: report.sampleSize,
    sampleGoal,
    sampleRecall: round(report.recall, 4),
    chosenLevel: report.level,
    exact: report.exact,
    rescored: report.rescored,
    levelsTried: report.tried.map((t) => ({ level: t.level, sampleRecall: round(t.recall, 4) })),
  };
  // The headline: every index over the same queries, in turns with the exact float scan.
  const ranked = built.filter((e) => !e.error && !e.kind.startsWith('lever'));
  const [baselineTimed, ...timed] = timeTogether(
    [exactSearch, ...ranked.map((e) => (q: Float32Array) => e.index.search(q, 10))],
    queries,
    queryCount,
  );
  const baseline = {
    kind: 'flat-f32',
    buildMs: Math.round(exactBuildMs),
    p50Ms: baselineTimed!.p50Ms,
    p95Ms: baselineTimed!.p95Ms,
  };
  const results: Record<string, unknown>[] = built
    .filter((e) => e.error)
    .map((e) => ({ kind: e.kind, failed: e.error }));
  const levers: Record<string, unknown> = {};
  for (const [i, entry] of ranked.entries()) {
    log(`  ${entry.kind}…`);
    const row: Record<string, unknown> = {
      kind: entry.kind,
      buildMs: Math.round(entry.buildMs),
      p50Ms: timed[i]!.p50Ms,
      p95Ms: timed[i]!.p95Ms,
      recallAt10: recall(truth!.hits, timed[i]!.hits),
      shareOfExact: round(timed[i]!.p50Ms / baselineTimed!.p50Ms, 3),
    };
    if (entry.index === bq) row.curve = curve(bq, exactSearch, queries, queryCount, truth!.hits);
    if (run.persist && entry.factory)
      try {
        Object.assign(
          row,
          await persist(entry.kind, entry.factory, entry.index, run.size, queries),
        );
      } catch (error) {
        row.persistFailed = String(error);
      }
    results.push(row);
  }
  for (const entry of built.filter((e) => e.kind.startsWith('lever') && !e.error)) {
    log(`  ${entry.kind}…`);
    const index = entry.index as BqInt8Index;
    if (entry.kind === 'lever: sign-bit query') index.recentre();
    levers[entry.kind] = curve(index, exactSearch, queries, queryCount, truth!.hits, 7);
  }
  for (const entry of built) if (entry.index !== bq) entry.index.dispose();
  const queryShift = run.queryShift
    ? await queryShiftRuns(
        bq,
        exactSearch,
        source,
        { queries, truth: truth!.hits, count: queryCount },
        pause,
        log,
      )
    : undefined;
  bq.dispose();
  exact.dispose();
  return {
    shape: run.shape,
    vectors: run.size,
    generateMs: Math.round(generateMs),
    baseline,
    selfCheck,
    results,
    ...(run.levers ? { levers } : {}),
    ...(queryShift ? { queryShift } : {}),
  };
}

addEventListener('message', ({ data }: MessageEvent) => {
  const config = data as Config;
  void (async () => {
    try {
      const runs = [];
      for (const run of config.runs) runs.push(await runOne(run, config.queries));
      postMessage({
        kind: 'done',
        result: { defaultIndexKind, dimensions: d, queries: config.queries, exactBelow, runs },
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
