// Queries are not passages: e5 and bge embed them with a prefix that moves them by an offset the
// stored vectors do not share. The recall check remembers (in memory only) the queries it was
// asked and measures them too, so the width it picks holds recall@10 ≥ 0.95 on query-shaped
// vectors (tests/fixtures/clustered-vectors.ts, `shiftQueries`), not only on stored ones.
import { describe, expect, it } from 'vitest';
import { BqInt8Index, bqInt8Factory } from '../../src/lib/search/bq-index';
import { FlatF32Index } from '../../src/lib/search/flat-index';
import { recallGoal, sampleGoal } from '../../src/lib/search/recall-check';
import { minQueries, queryCapacity, unseenFloor } from '../../src/lib/search/recall-queries';
import {
  queryShifts,
  sequentialLabels,
  shiftQueries,
  vectorSource,
} from '../fixtures/clustered-vectors';

const d = 384;
const n = 20_000;
const heldOut = 100;
const noPause = () => Promise.resolve();
const row = (vectors: Float32Array, i: number) => vectors.subarray(i * d, (i + 1) * d);

function recallAt10(search: (q: Float32Array) => number[], exact: FlatF32Index, qs: Float32Array) {
  let found = 0;
  const count = qs.length / d;
  for (let q = 0; q < count; q++) {
    const truth = new Set(exact.search(row(qs, q), 10).map((h) => h.label));
    found += search(row(qs, q)).filter((l) => truth.has(l)).length;
  }
  return found / (count * 10);
}

describe.each(queryShifts)('bq-int8 on mean vectors with queries offset by %s', (shift) => {
  it('widens for the queries it was asked and reaches the goal on new ones', async () => {
    const source = vectorSource(n, { dimensions: d, seed: 7, shape: 'mean' });
    const vectors = source.batch(n);
    const labels = sequentialLabels(n);
    const exact = new FlatF32Index(d);
    exact.add(labels, vectors);
    const index = new BqInt8Index(d);
    index.add(labels, vectors);
    const first = await index.checkRecall(noPause);
    // No query seen yet: the width is at least the floor.
    expect(first).toMatchObject({ queryRecall: null, querySamples: 0, floor: unseenFloor });
    expect(first.level).toBeGreaterThanOrEqual(unseenFloor);

    const asked = shiftQueries(source.batch(queryCapacity), d, shift);
    for (let q = 0; q < queryCapacity; q++) {
      index.noteQuery(row(asked, q));
      // The check is due again once `minQueries` were seen.
      if (q + 1 === minQueries) expect(index.checkDue()).toBe(true);
    }
    const report = await index.checkRecall(noPause);
    expect(report.querySamples).toBe(queryCapacity);
    expect(report.queryRecall).toBeGreaterThanOrEqual(sampleGoal);
    expect(index.checkDue()).toBe(false);

    const fresh = shiftQueries(source.batch(heldOut), d, shift);
    const at = (level: number) => (q: Float32Array) =>
      index.searchAt(q, 10, level).map((h) => h.label);
    const recall = recallAt10(at(index.level), exact, fresh);
    console.info(
      `offset ${shift}: level ${index.level} recall@10 ${recall.toFixed(3)} (check: sample ` +
        `${report.recall.toFixed(3)}, queries ${report.queryRecall?.toFixed(3)}); at level 0 ` +
        `${recallAt10(at(0), exact, fresh).toFixed(3)}`,
    );
    expect(recall).toBeGreaterThanOrEqual(recallGoal);

    // The queries are never saved; the width they needed is, as a floor until measured again.
    const restored = (await bqInt8Factory.restore(index.serialize(), d)) as BqInt8Index;
    const again = await restored.checkRecall(noPause);
    expect(again.querySamples).toBe(0);
    expect(again.floor).toBe(report.level);
    expect(restored.level).toBe(index.level);
  });
});

it('runs the check again at 16 and 64 queries, not before', async () => {
  const source = vectorSource(2_000, { dimensions: d, seed: 3, shape: 'loose' });
  const index = new BqInt8Index(d);
  index.add(sequentialLabels(2_000), source.batch(2_000));
  await index.checkRecall(noPause);
  const queries = source.batch(queryCapacity);
  const seen: number[] = [];
  for (let q = 0; q < queryCapacity; q++) {
    index.noteQuery(row(queries, q));
    if (index.checkDue()) {
      seen.push(q + 1);
      const report = await index.checkRecall(noPause);
      expect(report.querySamples).toBe(Math.min(q + 1, queryCapacity));
    }
  }
  expect(seen).toEqual([minQueries, queryCapacity]);
});
