import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { getDb } from '../../src/lib/db/db';
import {
  applyImport,
  ImportStorageFullError,
  readExistingIndex,
  readLiveNotes,
  VaultChangedError,
} from '../../src/lib/db/import-repo';
import { buildNote, splitRecord } from '../../src/lib/vault/note-record';
import type { NoteWithContent } from '../../src/lib/types';

const db = getDb();

async function seed(record: NoteWithContent): Promise<void> {
  const { note, body } = splitRecord(record);
  await db.notes.put(note);
  await db.bodies.put(body);
}

async function snapshot() {
  return { notes: await db.notes.toArray(), bodies: await db.bodies.toArray() };
}

const many = (count: number) =>
  Promise.all(
    Array.from({ length: count }, (_, i) => buildNote(`bulk/n${i}.md`, `note ${i}`, 2000)),
  );

beforeEach(async () => {
  await db.notes.clear();
  await db.bodies.clear();
});

afterEach(() => vi.restoreAllMocks());

describe('applyImport', () => {
  it('writes adds and in-place updates, keeping id, createdAt and the current deletedAt', async () => {
    const old = await buildNote('a.md', 'old text', 1000);
    await seed({ ...old, deletedAt: 1500 });
    const existing = await readExistingIndex();
    const updated = await buildNote('a.md', 'new text', 3000, existing.get('a.md'));
    const added = await buildNote('b.md', 'b', 3000);
    const beforeCommit = Date.now();
    await applyImport([updated, added], { plannedAgainst: existing });
    const a = await db.notes.get(old.id);
    expect(a).toMatchObject({ path: 'a.md', createdAt: 1000, deletedAt: 1500 });
    // Stamped at commit time, so the search index's watermark follows commit order.
    expect(a?.updatedAt).toBeGreaterThanOrEqual(beforeCommit);
    expect((await db.notes.get(added.id))?.updatedAt).toBe(a?.updatedAt);
    expect((await db.bodies.get(old.id))?.content).toBe('new text');
    expect(await db.notes.count()).toBe(2);
  });

  it('leaves the vault untouched when a write fails after earlier batches succeeded', async () => {
    await seed(await buildNote('keep.md', 'keep me', 1000));
    const before = await snapshot();
    const records = await many(1200);
    // The 1,100th record repeats an earlier path: the unique path index fails in the third batch.
    records[1100] = { ...records[1100]!, path: records[3]!.path };
    const progress: number[] = [];
    await expect(
      applyImport(records, {
        plannedAgainst: await readExistingIndex(),
        onProgress: (n) => progress.push(n),
      }),
    ).rejects.toThrow();
    expect(progress).toEqual([500, 1000]);
    expect(await snapshot()).toEqual(before);
  });

  it('turns a full disk into a storage-full error that says nothing was imported', async () => {
    await seed(await buildNote('keep.md', 'keep me', 1000));
    const before = await snapshot();
    const realBulkPut = db.bodies.bulkPut.bind(db.bodies);
    let calls = 0;
    const fullOnSecondCall = (...args: Parameters<typeof realBulkPut>) => {
      if (++calls === 2)
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return realBulkPut(...args);
    };
    vi.spyOn(db.bodies, 'bulkPut').mockImplementation(fullOnSecondCall);
    const error = await applyImport(await many(800), {
      plannedAgainst: await readExistingIndex(),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportStorageFullError);
    expect((error as Error).name).toBe('StorageFullError');
    expect((error as Error).message).toMatch(
      /storage .* is full.*none of the 800 files were imported.*unchanged/,
    );
    expect(await snapshot()).toEqual(before);
  });

  it('refuses to write when the vault changed since the import was planned', async () => {
    const planned = await readExistingIndex();
    await seed(await buildNote('race.md', 'written meanwhile', 1000));
    const before = await snapshot();
    await expect(
      applyImport([await buildNote('race.md', 'imported', 2000)], { plannedAgainst: planned }),
    ).rejects.toThrow(VaultChangedError);
    expect(await snapshot()).toEqual(before);
  });
});

describe('readLiveNotes', () => {
  it('returns live notes with their exact text and leaves trashed ones out', async () => {
    await seed(await buildNote('live.md', 'line\r\n', 1000));
    await seed({ ...(await buildNote('gone.md', 'x', 1000)), deletedAt: 5 });
    const live = await readLiveNotes();
    expect(live.map((n) => [n.path, n.content])).toEqual([['live.md', 'line\r\n']]);
  });
});
