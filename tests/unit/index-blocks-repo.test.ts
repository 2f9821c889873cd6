import { beforeEach, describe, expect, it } from 'vitest';
import {
  deleteIndexSnapshot,
  loadIndexSnapshot,
  saveIndexSnapshot,
  snapshotKey,
} from '../../src/lib/db/index-blocks-repo';
import { getDb } from '../../src/lib/db/db';
import { StorageFullError } from '../../src/lib/errors';

const header = { kind: 'bq-int8', dimensions: 384, count: 3, generation: 7 };
const parts = (n: number, fill: number) =>
  Array.from({ length: n }, (_, i) => new Uint8Array(10).fill(fill + i));

beforeEach(async () => {
  const db = getDb();
  await Promise.all([db.indexBlocks.clear(), db.meta.clear()]);
});

describe('index blocks repository', () => {
  it('saves and loads a snapshot in part order', async () => {
    const saved = await saveIndexSnapshot('m1', header, parts(3, 1));
    expect(saved).toMatchObject({ ...header, parts: 3 });
    const loaded = await loadIndexSnapshot('m1');
    expect(loaded?.header).toEqual(saved);
    expect(loaded?.parts.map((p) => p[0])).toEqual([1, 2, 3]);
    expect(await loadIndexSnapshot('other')).toBeUndefined();
  });

  it('replaces every old part, so a smaller snapshot leaves no stale ones', async () => {
    await saveIndexSnapshot('m1', header, parts(4, 1));
    await saveIndexSnapshot('m2', header, parts(2, 50));
    await saveIndexSnapshot('m1', { ...header, generation: 8 }, parts(2, 20));
    const loaded = await loadIndexSnapshot('m1');
    expect(loaded?.header.generation).toBe(8);
    expect(loaded?.parts.map((p) => p[0])).toEqual([20, 21]);
    expect(await getDb().indexBlocks.where('modelId').equals('m1').count()).toBe(2);
    expect((await loadIndexSnapshot('m2'))?.parts).toHaveLength(2);
  });

  it('reports no snapshot when header and parts disagree', async () => {
    await saveIndexSnapshot('m1', header, parts(3, 1));
    await getDb().indexBlocks.delete('m1|1');
    expect(await loadIndexSnapshot('m1')).toBeUndefined();
    await saveIndexSnapshot('m1', header, parts(2, 1));
    await getDb().meta.delete(snapshotKey('m1'));
    expect(await loadIndexSnapshot('m1')).toBeUndefined();
  });

  it('deletes a snapshot and leaves other models alone', async () => {
    await saveIndexSnapshot('m1', header, parts(2, 1));
    await saveIndexSnapshot('m2', header, parts(1, 9));
    await deleteIndexSnapshot('m1');
    expect(await loadIndexSnapshot('m1')).toBeUndefined();
    expect(await getDb().indexBlocks.where('modelId').equals('m1').count()).toBe(0);
    expect(await loadIndexSnapshot('m2')).toBeDefined();
  });

  it('turns a full disk into StorageFullError and keeps the old snapshot', async () => {
    await saveIndexSnapshot('m1', header, parts(2, 1));
    const table = getDb().indexBlocks;
    const bulkPut = table.bulkPut.bind(table);
    table.bulkPut = (() =>
      Promise.reject(new DOMException('quota', 'QuotaExceededError'))) as unknown as typeof bulkPut;
    try {
      await expect(saveIndexSnapshot('m1', header, parts(3, 5))).rejects.toBeInstanceOf(
        StorageFullError,
      );
    } finally {
      table.bulkPut = bulkPut;
    }
    expect((await loadIndexSnapshot('m1'))?.parts.map((p) => p[0])).toEqual([1, 2]);
  });
});
