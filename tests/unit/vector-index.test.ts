import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { VectorIndex, VectorIndexFactory } from '../../src/lib/search/vector-index';
import { flatF32Factory } from '../../src/lib/search/flat-index';
import { flatInt8Factory } from '../../src/lib/search/int8-index';
import { bqInt8Factory } from '../../src/lib/search/bq-index';
import { createVoyFactory } from '../../src/lib/search/voy/voy-index';
import { packSections } from '../../src/lib/search/index-bytes';
import { defaultIndexKind, indexFactories } from '../../src/lib/search/index-registry';
import { sequentialLabels, vectorSource } from '../fixtures/clustered-vectors';

const d = 384;
const voyFactory = createVoyFactory(() =>
  readFile(new URL('../../node_modules/voy-search/voy_search_bg.wasm', import.meta.url)),
);

const adapters: [VectorIndexFactory, number][] = [
  // [factory, vectors for the recall test]
  [flatF32Factory, 3000],
  [flatInt8Factory, 3000],
  [bqInt8Factory, 6000],
  [voyFactory, 1000],
];

const row = (vectors: Float32Array, i: number) => vectors.subarray(i * d, (i + 1) * d);
const labelsOf = (index: VectorIndex, query: Float32Array, k: number) =>
  index.search(query, k).map((h) => h.label);

describe.each(adapters)('vector index %s', (factory, recallSize) => {
  it('adds, replaces, removes and reports its labels', async () => {
    const source = vectorSource(50, { dimensions: d, seed: 1 });
    const vectors = source.batch(50);
    const index = await factory.create(d);
    expect(index.kind).toBe(factory.kind);
    expect(index.search(row(vectors, 0), 5)).toEqual([]);
    index.add(sequentialLabels(50), vectors);
    expect(index.size).toBe(50);
    expect(index.has(1) && index.has(50) && !index.has(51)).toBe(true);
    expect([...index.labels()].sort((a, b) => a - b)).toEqual([...sequentialLabels(50)]);

    // A vector finds itself first, with a cosine near 1.
    const [self] = index.search(row(vectors, 9), 1);
    expect(self!.label).toBe(10);
    expect(self!.score).toBeGreaterThan(0.98);

    // Replacing label 10 with vector 20's value moves it.
    index.add(Uint32Array.of(10), row(vectors, 19).slice());
    expect(index.size).toBe(50);
    expect(labelsOf(index, row(vectors, 19), 2).sort((a, b) => a - b)).toEqual([10, 20]);
    expect(labelsOf(index, row(vectors, 9), 1)).not.toEqual([10]);

    index.remove([10, 20, 999]);
    expect(index.size).toBe(48);
    expect(index.has(10) || index.has(20)).toBe(false);
    expect(labelsOf(index, row(vectors, 19), 10)).not.toContain(20);
    index.dispose();
  });

  it('returns every vector, best first, when k exceeds the size', async () => {
    const vectors = vectorSource(7, { dimensions: d, seed: 2 }).batch(7);
    const index = await factory.create(d);
    index.add(sequentialLabels(7), vectors);
    const hits = index.search(row(vectors, 3), 100);
    expect(hits).toHaveLength(7);
    expect(hits[0]!.label).toBe(4);
    for (let i = 1; i < hits.length; i++)
      expect(hits[i - 1]!.score).toBeGreaterThanOrEqual(hits[i]!.score);
    expect(index.search(row(vectors, 3), 0)).toEqual([]);
  });

  it('restores from its parts with identical results', async () => {
    const source = vectorSource(400, { dimensions: d, seed: 3 });
    const index = await factory.create(d);
    index.add(sequentialLabels(400), source.batch(400));
    index.remove([5, 6, 7]);
    const restored = await factory.restore(index.serialize(), d);
    expect(restored.size).toBe(397);
    expect(restored.has(5)).toBe(false);
    const queries = source.batch(5);
    for (let q = 0; q < 5; q++)
      expect(restored.search(row(queries, q), 10)).toEqual(index.search(row(queries, q), 10));
    // The restored index stays writable.
    restored.add(Uint32Array.of(5), row(queries, 0).slice());
    expect(labelsOf(restored, row(queries, 0), 1)).toEqual([5]);
  });

  it('restores an empty index', async () => {
    const restored = await factory.restore((await factory.create(d)).serialize(), d);
    expect(restored.size).toBe(0);
    expect(restored.search(new Float32Array(d).fill(1 / Math.sqrt(d)), 3)).toEqual([]);
  });

  it('reaches recall@10 ≥ 0.95 against exact float search on clustered data', async () => {
    const source = vectorSource(recallSize, { dimensions: d, seed: 4 });
    const vectors = source.batch(recallSize);
    const labels = sequentialLabels(recallSize);
    const exact = await flatF32Factory.create(d);
    const index = await factory.create(d);
    exact.add(labels, vectors);
    index.add(labels, vectors);
    const queries = source.batch(50);
    let found = 0;
    for (let q = 0; q < 50; q++) {
      const truth = new Set(labelsOf(exact, row(queries, q), 10));
      found += labelsOf(index, row(queries, q), 10).filter((l) => truth.has(l)).length;
    }
    expect(found / 500).toBeGreaterThanOrEqual(0.95);
  });
});

describe.each(adapters)('filtered search with %s', (factory) => {
  it('ranks only the allowed labels: a 1 % filter still returns k hits, the exact filtered top k', async () => {
    const n = 6000;
    const source = vectorSource(n, { dimensions: d, seed: 7 });
    const vectors = source.batch(n);
    const labels = sequentialLabels(n);
    const index = await factory.create(d);
    const exact = await flatF32Factory.create(d);
    index.add(labels, vectors);
    exact.add(labels, vectors);
    // Every 100th label (1 %), plus labels that do not exist and a duplicate.
    const allowed = [...labels.filter((l) => l % 100 === 7), 999_999, 107];
    const allowedSet = new Set(allowed);
    const queries = source.batch(5);
    for (let q = 0; q < 5; q++) {
      const hits = index.search(row(queries, q), 10, allowed);
      expect(hits).toHaveLength(10);
      expect(hits.every((h) => allowedSet.has(h.label))).toBe(true);
      const truth = exact.search(row(queries, q), 10, allowed).map((h) => h.label);
      const found = new Set(hits.map((h) => h.label));
      expect(truth.filter((l) => found.has(l)).length).toBeGreaterThanOrEqual(9);
    }
    // Fewer allowed than k: all of them, best first; none allowed: nothing.
    expect(
      index
        .search(row(queries, 0), 10, [3, 4, 5])
        .map((h) => h.label)
        .sort(),
    ).toEqual([3, 4, 5]);
    expect(index.search(row(queries, 0), 10, [])).toEqual([]);
    index.dispose();
  });
});

describe('index snapshots', () => {
  it('reject parts of another kind or cut short', async () => {
    const index = await flatInt8Factory.create(d);
    index.add(sequentialLabels(3), vectorSource(3, { dimensions: d, seed: 5 }).batch(3));
    await expect(bqInt8Factory.restore(index.serialize(), d)).rejects.toThrow(/flat-int8/);
    // A bq-int8 snapshot of the first format (no centred codes) is refused, so it is rebuilt.
    const old = packSections('bq-int8', { dimensions: d }, { labels: sequentialLabels(1) });
    await expect(bqInt8Factory.restore(old, d)).rejects.toThrow(/older format/);
    const [bytes] = index.serialize();
    await expect(
      flatInt8Factory.restore([bytes!.slice(0, bytes!.length - 100)], d),
    ).rejects.toThrow(/cut short/);
    await expect(flatInt8Factory.restore([new Uint8Array(16)], d)).rejects.toThrow(/format/);
  });

  it('split into parts no larger than asked, which restore as one', async () => {
    const vectors = vectorSource(100, { dimensions: d, seed: 6 }).batch(100);
    const parts = packSections('flat-f32', {}, { labels: sequentialLabels(100), vectors }, 10_000);
    expect(parts.length).toBeGreaterThan(3);
    expect(parts.every((p) => p.byteLength <= 10_000 && p.byteOffset === 0)).toBe(true);
    const restored = await flatF32Factory.restore(parts, d);
    expect(labelsOf(restored, row(vectors, 42), 1)).toEqual([43]);
  });
});

describe('index registry', () => {
  it('loads every kind lazily, the default included', async () => {
    for (const [kind, load] of Object.entries(indexFactories)) {
      if (kind === 'voy') continue; // needs the WASM URL, which Node can't fetch
      expect((await load()).kind).toBe(kind);
    }
    expect(indexFactories).toHaveProperty(defaultIndexKind);
  });
});
