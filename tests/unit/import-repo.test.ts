import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { getDb } from '../../src/lib/db/db';
import {
  applyImport,
  ImportStorageFullError,
  readExistingIndex,
  readLiveNotes,
  VaultChangedError,
} from '../../src/lib/db/import-repo';
import { buildNote } from '../../src/lib/vault/note-record';
import { splitRecord } from '../../src/lib/db/note-rows';
import type { NoteWithContent } from '../../src/lib/types';
import {
  clearAttachments,
  readAttachmentIndex,
  type AttachmentWrite,
} from '../../src/lib/db/attachments-repo';

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

describe('applyImport with attachments', () => {
  const bytes = (n: number, seed: number) =>
    Uint8Array.from({ length: n }, (_, i) => (i * seed) % 256);
  const write = (path: string, data: Uint8Array, id = crypto.randomUUID()): AttachmentWrite => ({
    record: {
      id,
      path,
      mime: 'image/png',
      sizeBytes: data.length,
      hash: `h-${path}-${data.length}`,
      createdAt: 1,
      updatedAt: 1,
      deletedAt: 0,
    },
    blob: new Blob([data as Uint8Array<ArrayBuffer>], { type: 'image/png' }),
  });
  const attachmentSnapshot = async () => ({
    rows: await db.attachments.toArray(),
    blobs: await Promise.all(
      (await db.attachmentBlobs.toArray()).map(async (b) => [b.id, await b.blob.arrayBuffer()]),
    ),
  });

  beforeEach(() => clearAttachments());

  it('writes notes and attachments in one transaction, progress counting both', async () => {
    const progress: [number, number][] = [];
    const photo = bytes(3000, 7);
    await applyImport([await buildNote('n.md', 'n', 1)], {
      plannedAgainst: await readExistingIndex(),
      attachments: {
        writes: [write('a/p.png', photo)],
        plannedAgainst: await readAttachmentIndex(),
      },
      onProgress: (done, total) => progress.push([done, total]),
    });
    expect(progress).toEqual([
      [1, 2],
      [2, 2],
    ]);
    const [row] = await db.attachments.toArray();
    expect(row).toMatchObject({ path: 'a/p.png', name: 'p.png', sizeBytes: 3000 });
    const blob = (await db.attachmentBlobs.get(row!.id))!.blob;
    expect(new Uint8Array(await blob.arrayBuffer())).toEqual(photo);
  });

  it('leaves notes and attachments untouched when an attachment write fails', async () => {
    await seed(await buildNote('keep.md', 'keep me', 1000));
    await applyImport([], {
      plannedAgainst: await readExistingIndex(),
      attachments: { writes: [write('old.png', bytes(10, 3))], plannedAgainst: new Map() },
    });
    const before = { notes: await snapshot(), attachments: await attachmentSnapshot() };
    // The 30th attachment repeats a path: the unique index fails in the second batch.
    const writes = Array.from({ length: 30 }, (_, i) => write(`many/${i}.png`, bytes(100, i)));
    writes[29] = write('many/3.png', bytes(5, 1));
    await expect(
      applyImport([await buildNote('new.md', 'new', 2)], {
        plannedAgainst: await readExistingIndex(),
        attachments: { writes, plannedAgainst: await readAttachmentIndex() },
      }),
    ).rejects.toThrow();
    expect({ notes: await snapshot(), attachments: await attachmentSnapshot() }).toEqual(before);
  });

  it('turns a full disk while writing attachments into the storage-full error', async () => {
    vi.spyOn(db.attachmentBlobs, 'bulkPut').mockRejectedValue(
      new DOMException('The quota has been exceeded.', 'QuotaExceededError'),
    );
    const error = await applyImport([await buildNote('n.md', 'n', 1)], {
      plannedAgainst: await readExistingIndex(),
      attachments: { writes: [write('big.png', bytes(50, 1))], plannedAgainst: new Map() },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportStorageFullError);
    expect((error as Error).message).toMatch(/none of the 2 files were imported/);
    expect(await db.notes.count()).toBe(0);
    expect(await db.attachments.count()).toBe(0);
  });

  it('refuses to write when an attachment changed since the import was planned', async () => {
    const planned = await readAttachmentIndex();
    await applyImport([], {
      plannedAgainst: await readExistingIndex(),
      attachments: { writes: [write('race.png', bytes(10, 1))], plannedAgainst: planned },
    });
    await expect(
      applyImport([], {
        plannedAgainst: await readExistingIndex(),
        attachments: { writes: [write('race.png', bytes(20, 1))], plannedAgainst: planned },
      }),
    ).rejects.toThrow(VaultChangedError);
    expect((await db.attachments.toArray()).map((a) => a.sizeBytes)).toEqual([10]);
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
