// The recall self-check keeps each sample's exact top 10 true through growth, removals,
// replacements and a snapshot round trip, without rescanning everything each time. Measured
// against an index that searches exactly, a correct truth gives recall 1; a stale one (a new
// near-duplicate missing, a removed neighbour kept) gives less.
import { describe, expect, it } from 'vitest';
import { BqInt8Index } from '../../src/lib/search/bq-index';
import { RecallCheck, sampleSize, type CheckTarget } from '../../src/lib/search/recall-check';
import { exactLevel } from '../../src/lib/search/search-levels';
import { mulberry32, sequentialLabels, vectorSource } from '../fixtures/clustered-vectors';

const d = 384;
const noPause = () => Promise.resolve();

/** An index seen through a check that is told of every change, searching exactly. */
function exactSetup() {
  const index = new BqInt8Index(d);
  let check = new RecallCheck();
  const calls = { scoreAll: 0 };
  const target: CheckTarget = {
    get size() {
      return index.size;
    },
    has: (label) => index.has(label),
    labelAt: (position) => index.labelAt(position),
    vectorOf: (label) => index.vectorOf(label),
    scoreAll: (query, top) => {
      calls.scoreAll++;
      index.scoreAll(query, top);
    },
    scoreLabels: (query, labels, top) => index.scoreLabels(query, labels, top),
    searchAt: (query, k) => index.searchAt(query, k, exactLevel),
  };
  return {
    index,
    target,
    calls,
    get check() {
      return check;
    },
    add(labels: Uint32Array, vectors: Float32Array) {
      for (const label of labels) check.added(label, index.has(label));
      index.add(labels, vectors);
    },
    remove(labels: number[]) {
      index.remove(labels);
      for (const label of labels) check.removed(label);
    },
    roundTrip() {
      const { meta, sections } = check.toSections(target);
      check = RecallCheck.fromSections(JSON.parse(JSON.stringify(meta)), { ...sections });
    },
  };
}

/** Copies of `count` stored vectors with a little noise: each becomes a top neighbour of its source. */
function nearDuplicates(index: BqInt8Index, labels: number[], seed: number): Float32Array {
  const random = mulberry32(seed);
  const out = new Float32Array(labels.length * d);
  labels.forEach((label, i) => {
    const v = index.vectorOf(label);
    for (let j = 0; j < d; j++) out[i * d + j] = v[j]! + (random() - 0.5) * 0.002;
  });
  return out;
}

describe('recall check', () => {
  it('keeps every sample’s exact top 10 true through growth, removal, replacement and a snapshot', async () => {
    const s = exactSetup();
    const source = vectorSource(6000, { dimensions: d, seed: 11 });
    s.add(sequentialLabels(5000), source.batch(5000));
    expect(s.check.due(s.index.size)).toBe(true);
    let report = await s.check.run(s.target, noPause);
    expect(report.recall).toBe(1);
    expect(report.sampleSize).toBe(sampleSize);
    expect(s.calls.scoreAll).toBe(sampleSize);
    expect(s.check.due(s.index.size)).toBe(false);

    // Near-duplicates of every stored vector up to 500 enter the sample's truths.
    s.calls.scoreAll = 0;
    const sources = [...sequentialLabels(500)];
    s.add(sequentialLabels(500, 5001), nearDuplicates(s.index, sources, 1));
    expect(s.check.due(s.index.size)).toBe(true);
    report = await s.check.run(s.target, noPause);
    expect(report.recall).toBe(1);
    // Updated from the new vectors alone: only samples replaced by the reservoir are rescanned.
    expect(s.calls.scoreAll).toBeLessThan(sampleSize / 4);

    // Removing vectors that are some samples' neighbours, and replacing others' vectors.
    s.calls.scoreAll = 0;
    s.remove([...sequentialLabels(300, 5001)]);
    s.add(sequentialLabels(200, 1), source.batch(200));
    report = await s.check.run(s.target, noPause);
    expect(report.recall).toBe(1);
    expect(s.calls.scoreAll).toBeGreaterThan(0);

    // Through a snapshot: nothing is rescanned at the next check, and it still holds after growth.
    s.roundTrip();
    s.calls.scoreAll = 0;
    report = await s.check.run(s.target, noPause);
    expect(report.recall).toBe(1);
    expect(s.calls.scoreAll).toBe(0);
    s.add(
      sequentialLabels(300, 9001),
      nearDuplicates(s.index, [...sequentialLabels(300, 1000)], 2),
    );
    report = await s.check.run(s.target, noPause);
    expect(report.recall).toBe(1);
  });

  it('is due after each 10 % of change, and not before', async () => {
    const s = exactSetup();
    const source = vectorSource(3000, { dimensions: d, seed: 12 });
    s.add(sequentialLabels(2000), source.batch(2000));
    await s.check.run(s.target, noPause);
    s.add(sequentialLabels(150, 2001), source.batch(150));
    expect(s.check.due(s.index.size)).toBe(false);
    s.add(sequentialLabels(50, 2151), source.batch(50));
    expect(s.check.due(s.index.size)).toBe(true);
  });

  it('finds a stale truth: an index missing the new vectors scores below 1', async () => {
    const s = exactSetup();
    const source = vectorSource(4000, { dimensions: d, seed: 13 });
    s.add(sequentialLabels(3000), source.batch(3000));
    await s.check.run(s.target, noPause);
    // Near-duplicates of every stored vector: each sample's true top 10 now includes its copy.
    s.add(sequentialLabels(3000, 10_001), nearDuplicates(s.index, [...sequentialLabels(3000)], 3));
    const blind = {
      ...s.target,
      searchAt: (q: Float32Array, k: number) =>
        s.index.searchAt(q, k, exactLevel, sequentialLabels(3000)),
    };
    const report = await s.check.run(blind, noPause);
    expect(report.recall).toBeLessThan(0.95);
  });
});
