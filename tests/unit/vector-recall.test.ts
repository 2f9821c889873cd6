// The default index holds recall@10 ≥ 0.95 against exact float cosine on every shape of data real
// embeddings take (tests/fixtures/clustered-vectors.ts), at 20k vectors, after measuring its own
// recall and choosing its search width, and proves it on queries it never saw. On clustered data
// it must get there without scanning everything; on uniform data it may widen as far as it needs.
import { describe, expect, it } from 'vitest';
import { BqInt8Index, bqInt8Factory } from '../../src/lib/search/bq-index';
import { FlatF32Index } from '../../src/lib/search/flat-index';
import { exactLevel } from '../../src/lib/search/search-levels';
import { recallGoal, sampleGoal } from '../../src/lib/search/recall-check';
import { sequentialLabels, vectorShapes, vectorSource } from '../fixtures/clustered-vectors';

const d = 384;
const n = 20_000;
const queries = 100;
const noPause = () => Promise.resolve();

const row = (vectors: Float32Array, i: number) => vectors.subarray(i * d, (i + 1) * d);

function recallAt10(
  search: (query: Float32Array) => number[],
  truth: (query: Float32Array) => number[],
  qs: Float32Array,
) {
  let found = 0;
  for (let q = 0; q < queries; q++) {
    const expected = new Set(truth(row(qs, q)));
    found += search(row(qs, q)).filter((l) => expected.has(l)).length;
  }
  return found / (queries * 10);
}

describe.each(vectorShapes)('bq-int8 on %s vectors (20k × 384)', (shape) => {
  it(`measures its recall, widens to reach ${sampleGoal} on its sample, and reaches ${recallGoal} on new queries`, async () => {
    const source = vectorSource(n, { dimensions: d, seed: 20_000 + shape.length, shape });
    const vectors = source.batch(n);
    const labels = sequentialLabels(n);
    const exact = new FlatF32Index(d);
    exact.add(labels, vectors);
    const index = new BqInt8Index(d);
    for (let at = 0; at < n; at += 2000)
      index.add(labels.subarray(at, at + 2000), vectors.subarray(at * d, (at + 2000) * d));
    expect(index.checkDue()).toBe(true);
    const report = await index.checkRecall(noPause);
    expect(index.checkDue()).toBe(false);
    expect(report.sampleSize).toBe(64);
    expect(report.vectors).toBe(n);
    expect(report.recall).toBeGreaterThanOrEqual(sampleGoal);
    expect(index.recall).toEqual(report);
    if (shape !== 'uniform') {
      // Clustered data is searched narrowly: far fewer rescored than stored.
      expect(report.exact).toBe(false);
      expect(report.rescored).toBeLessThan(n / 10);
    }

    const qs = source.batch(queries);
    const truth = (q: Float32Array) => exact.search(q, 10).map((h) => h.label);
    const recall = recallAt10((q) => index.search(q, 10).map((h) => h.label), truth, qs);
    expect(recall).toBeGreaterThanOrEqual(recallGoal);

    // A filter keeping half the vectors is ranked approximately too, with the same recall.
    const half = labels.filter((l) => l % 2 === 0);
    const filtered = recallAt10(
      (q) => index.search(q, 10, half).map((h) => h.label),
      (q) => exact.search(q, 10, half).map((h) => h.label),
      qs,
    );
    expect(filtered).toBeGreaterThanOrEqual(recallGoal);

    // The snapshot keeps the chosen width and the sample: a restore searches the same at once.
    const restored = (await bqInt8Factory.restore(index.serialize(), d)) as BqInt8Index;
    expect(restored.level).toBe(index.level);
    expect(restored.recall).toEqual(report);
    expect(restored.search(row(qs, 0), 10)).toEqual(index.search(row(qs, 0), 10));
  });
});

it('searches clustered data narrower than uniform data: the check picks the width by measurement', async () => {
  const levels: Record<string, number> = {};
  for (const shape of ['tight', 'uniform'] as const) {
    const source = vectorSource(n, { dimensions: d, seed: 99, shape });
    const index = new BqInt8Index(d);
    index.add(sequentialLabels(n), source.batch(n));
    levels[shape] = (await index.checkRecall(noPause)).level;
  }
  expect(levels.tight).toBeLessThan(levels.uniform!);
  expect(levels.uniform).toBeLessThanOrEqual(exactLevel);
});
