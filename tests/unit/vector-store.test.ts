// The vector store runs the index's recall self-check at build, at restore (from the saved sample,
// without rescanning) and after each 10 % of growth once writes pause, saves the result with the
// snapshot, never saves once disposed, and rebuilds from the stored vectors a snapshot of the first
// bq-int8 format.
import { describe, expect, it } from 'vitest';
import { VectorStore } from '../../src/lib/search/vector-store';
import type { RecallReport } from '../../src/lib/search/recall-report';
import { quantizeInt8 } from '../../src/lib/search/quantize';
import { packSections } from '../../src/lib/search/index-bytes';
import { saveEmbedded, type VectorRecord } from '../../src/lib/db/memory-repo';
import { loadIndexSnapshot, saveIndexSnapshot } from '../../src/lib/db/index-blocks-repo';
import { sequentialLabels, vectorSource } from '../fixtures/clustered-vectors';

const d = 384;

function rows(modelId: string, vectors: Float32Array, first: number): VectorRecord[] {
  const { q, scales } = quantizeInt8(vectors, d);
  return Array.from({ length: scales.length }, (_, i) => ({
    chunkId: `${modelId}|note-${Math.floor((first + i) / 10)}|h${first + i}`,
    modelId,
    label: first + i,
    q: q.slice(i * d, (i + 1) * d),
    scale: scales[i]!,
  }));
}

async function open(modelId: string) {
  const reports: RecallReport[] = [];
  const errors: string[] = [];
  const store = await VectorStore.open(modelId, d, {
    onError: (message) => errors.push(message),
    onCheck: (report) => reports.push(report),
  });
  await store.checked();
  return { store, reports, errors };
}

describe('vector store recall self-check', () => {
  it('checks at build, at restore and after 10 % growth, and saves the result', async () => {
    const modelId = 'test:store';
    const source = vectorSource(7000, { dimensions: d, seed: 21, shape: 'loose' });
    await saveEmbedded(modelId, [], rows(modelId, source.batch(6000), 1));

    const built = await open(modelId);
    expect(built.store.info.restoredFromSnapshot).toBe(false);
    expect(built.reports).toHaveLength(1);
    expect(built.reports[0]!.vectors).toBe(6000);
    expect(built.reports[0]!.recall).toBeGreaterThanOrEqual(0.98);
    expect(built.store.info.recall).toEqual(built.reports[0]);
    expect(built.store.labelNotes.labelsOf(['note-1']).sort((a, b) => a - b)).toEqual([
      ...sequentialLabels(10, 10),
    ]);

    // 5 % more: no check; 10 % in all: one.
    const more = rows(modelId, source.batch(600), 6001);
    await built.store.write(() => Promise.resolve({ add: more.slice(0, 300) }));
    await built.store.checked();
    expect(built.reports).toHaveLength(1);
    await built.store.write(() => Promise.resolve({ add: more.slice(300) }));
    await built.store.checked();
    expect(built.reports).toHaveLength(2);
    expect(built.reports[1]!.vectors).toBe(6600);
    await saveEmbedded(modelId, [], more);
    await built.store.persist();
    built.store.dispose();

    // The restore checks again, from the saved sample: nothing rescanned, nothing rewritten.
    const savedAt = (await loadIndexSnapshot(modelId))!.header.savedAt;
    const restored = await open(modelId);
    expect(restored.store.info.restoredFromSnapshot).toBe(true);
    expect(restored.errors).toEqual([]);
    expect(restored.reports).toHaveLength(1);
    expect(restored.reports[0]!.vectors).toBe(6600);
    expect(restored.reports[0]!.recall).toBeGreaterThanOrEqual(0.98);
    expect(restored.reports[0]!.rescanned).toBe(0);
    await restored.store.persist();
    expect((await loadIndexSnapshot(modelId))!.header.savedAt).toBe(savedAt);
    expect(restored.store.labelNotes.labelsOf(['note-660'])).toHaveLength(1);
    restored.store.dispose();
  });

  it('holds a check that writes made due until they pause, however many fell due', async () => {
    const modelId = 'test:bulk';
    const source = vectorSource(3000, { dimensions: d, seed: 24, shape: 'loose' });
    await saveEmbedded(modelId, [], rows(modelId, source.batch(1000), 1));
    const { store, reports } = await open(modelId);
    expect(reports).toHaveLength(1);
    // Writes of 5-10 % each, as bulk indexing makes them: checked back to back, these took more
    // of the worker than the indexing. (One may start, if the machine stalls for the whole delay
    // between two writes.)
    const more = rows(modelId, source.batch(2000), 1001);
    for (let i = 0; i < 20; i++) {
      const add = more.slice(i * 100, (i + 1) * 100);
      await store.write(() => Promise.resolve({ add }));
      // A batch's embedding, during which a check made due would run.
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(reports.length).toBeLessThanOrEqual(2);
    const before = reports.length;
    await store.checked();
    expect(reports).toHaveLength(before + 1);
    expect(reports.at(-1)!.vectors).toBe(3000);
    store.dispose();
  });

  it('never saves once disposed, even when a check finishes afterwards', async () => {
    const modelId = 'test:disposed';
    const vectors = vectorSource(6000, { dimensions: d, seed: 23 }).batch(6000);
    await saveEmbedded(modelId, [], rows(modelId, vectors, 1));
    const reports: RecallReport[] = [];
    const store = await VectorStore.open(modelId, d, {
      onError: (message) => {
        throw new Error(message);
      },
      onCheck: (report) => reports.push(report),
    });
    // The check at build is running in the background; the store goes (as on a model switch).
    store.dispose();
    await store.checked();
    await store.persist();
    expect(reports).toEqual([]);
    expect(await loadIndexSnapshot(modelId)).toBeUndefined();
  });

  it('rebuilds from the stored vectors when the snapshot is of the first bq-int8 format', async () => {
    const modelId = 'test:old-format';
    const vectors = vectorSource(500, { dimensions: d, seed: 22 }).batch(500);
    await saveEmbedded(modelId, [], rows(modelId, vectors, 1));
    const old = packSections('bq-int8', { dimensions: d }, { labels: sequentialLabels(500) });
    await saveIndexSnapshot(
      modelId,
      { kind: 'bq-int8', dimensions: d, count: 500, generation: 1 },
      old,
    );
    const { store, errors } = await open(modelId);
    expect(store.info.restoredFromSnapshot).toBe(false);
    expect(store.index.size).toBe(500);
    expect(errors.join()).toMatch(/rebuilt.*older format/);
    store.dispose();
  });
});
