// Measuring helpers of the vector bench: timed searches, recall@10 against a truth, a recall-vs-cost
// curve over the default index's search levels, and a save/restore through the real IndexedDB
// repository. Numbers only; nothing here asserts.
import type { VectorIndex, VectorIndexFactory } from '../../src/lib/search/vector-index';
import { BqInt8Index } from '../../src/lib/search/bq-index';
import { keepFor, poolFor, searchLevels } from '../../src/lib/search/search-levels';
import {
  deleteIndexSnapshot,
  loadIndexSnapshot,
  saveIndexSnapshot,
} from '../../src/lib/db/index-blocks-repo';

export const d = 384;
export const round = (x: number, digits = 2) => +x.toFixed(digits);
const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

export type Search = (query: Float32Array) => { label: number }[];

export interface Timed {
  hits: number[][];
  p50Ms: number;
  p95Ms: number;
}

/**
 * Times several searches over the same queries, taking turns query by query, so that load from
 * other processes on this shared machine falls on all of them alike and their ratios hold.
 */
export function timeTogether(searches: Search[], queries: Float32Array, count: number): Timed[] {
  const ms = searches.map(() => [] as number[]);
  const hits = searches.map(() => [] as number[][]);
  for (let q = 0; q < Math.min(10, count); q++)
    for (const search of searches) search(queries.subarray(q * d, (q + 1) * d));
  for (let q = 0; q < count; q++) {
    const query = queries.subarray(q * d, (q + 1) * d);
    searches.forEach((search, i) => {
      const t0 = performance.now();
      const found = search(query);
      ms[i]!.push(performance.now() - t0);
      hits[i]!.push(found.map((h) => h.label));
    });
  }
  return ms.map((times, i) => {
    times.sort((a, b) => a - b);
    return { hits: hits[i]!, p50Ms: round(pct(times, 50)), p95Ms: round(pct(times, 95)) };
  });
}

export function recall(truth: number[][], found: number[][]): number {
  let matched = 0;
  truth.forEach((t, q) => {
    const set = new Set(t);
    matched += found[q]!.filter((l) => set.has(l)).length;
  });
  return round(matched / (truth.length * 10), 4);
}

/**
 * Recall@10 and time at each search level up to `to` (or the exact level), each timed in turn
 * with the exact float scan, whose p50 in the same turns gives `shareOfExact`.
 */
export function curve(
  index: BqInt8Index,
  exact: Search,
  queries: Float32Array,
  count: number,
  truth: number[][],
  to = searchLevels.length - 1,
) {
  const levels: number[] = [];
  for (let level = 0; level <= to; level++) {
    levels.push(level);
    if (poolFor(searchLevels[level]!, 10) >= index.size) break;
  }
  const [baseline, ...timed] = timeTogether(
    [exact, ...levels.map((level) => (q: Float32Array) => index.searchAt(q, 10, level))],
    queries,
    count,
  );
  return levels.map((level, i) => {
    const spec = searchLevels[level]!;
    return {
      level,
      keepShare: spec.keepShare,
      fullEstimates: keepFor(spec, 10, index.size),
      rescored: Math.min(poolFor(spec, 10), index.size),
      p50Ms: timed[i]!.p50Ms,
      p95Ms: timed[i]!.p95Ms,
      recallAt10: recall(truth, timed[i]!.hits),
      exactP50Ms: baseline!.p50Ms,
      shareOfExact: round(timed[i]!.p50Ms / baseline!.p50Ms, 3),
    };
  });
}

export async function persist(
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
  // The self-check runs at every restore; from the saved sample it needs no full rescan.
  let checkAfterRestore: Record<string, unknown> | undefined;
  if (restored.checkRecall) {
    t0 = performance.now();
    const report = await restored.checkRecall(() => new Promise((r) => setTimeout(r, 0)));
    checkAfterRestore = {
      ms: Math.round(performance.now() - t0),
      level: report.level,
      sampleRecall: round(report.recall, 4),
      levelsTried: report.tried.length,
    };
  }
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
    ...(checkAfterRestore ? { checkAfterRestore } : {}),
  };
}
