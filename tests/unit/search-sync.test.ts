import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IndexKeeper } from '../../src/lib/search/index-keeper';
import type { IndexStatus } from '../../src/lib/search/keeper-status';
import { snapshotFormatVersion } from '../../src/lib/search/keyword-snapshot';
import { createNote, restoreNote, saveContent, trashNote, wipeVault } from '../fixtures/notes';
import { loadSearchSnapshotParts, saveSearchSnapshot } from '../../src/lib/db/search-source';
import { loadSearchSnapshot } from '../fixtures/search-snapshot';
import { getDb } from '../../src/lib/db/db';
import { createSearchService, type SearchEvents } from '../../src/lib/search/search-handlers';
import type { Note } from '../../src/lib/types';
import {
  readTagSources,
  setDerivedTagsVersion,
  writeDerivedTags,
} from '../../src/lib/db/derived-tags-repo';

const keepers: IndexKeeper[] = [];
const errors: string[] = [];

function startKeeper(): IndexKeeper {
  const keeper = new IndexKeeper({
    status: (_status: IndexStatus) => {},
    error: (message) => errors.push(message),
  });
  keepers.push(keeper);
  return keeper;
}

async function addNote(title: string, body: string): Promise<string> {
  const note = await createNote(title);
  await saveContent(note.id, `${note.content}\n${body}\n`);
  return note.id;
}

const find = (keeper: IndexKeeper, query: string) => keeper.index.search(query).map((m) => m.id);

beforeEach(async () => {
  await wipeVault();
  errors.length = 0;
});

afterEach(async () => {
  await Promise.all(keepers.splice(0).map((k) => k.dispose()));
  expect(errors).toEqual([]);
});

describe('IndexKeeper', () => {
  it('builds from the vault, then follows edits, trash and restore', async () => {
    const apple = await addNote('Apples', 'Crisp autumn fruit.');
    await addNote('Pears', 'Soft fruit.');
    const keeper = startKeeper();
    await keeper.ready;
    // Searchable at once; the notes are indexed after, in the background.
    expect(keeper.status).toMatchObject({ ready: true, indexing: true, noteCount: 2 });
    expect(keeper.status.indexedCount).toBeLessThan(2);
    await keeper.settled();
    expect(keeper.status).toMatchObject({
      ready: true,
      indexing: false,
      documentCount: 2,
      indexedCount: 2,
      noteCount: 2,
      restoredFromSnapshot: false,
    });
    expect(find(keeper, 'fruit')).toHaveLength(2);

    await saveContent(apple, 'Now about zeppelins.');
    await keeper.settled();
    expect(find(keeper, 'zeppelins')).toEqual([apple]);
    expect(find(keeper, 'autumn')).toEqual([]);

    await trashNote(apple);
    await keeper.settled();
    expect(find(keeper, 'zeppelins')).toEqual([]);

    await restoreNote(apple);
    await keeper.settled();
    expect(find(keeper, 'zeppelins')).toEqual([apple]);
  });

  it('restores its snapshot and reconciles changes made while it was not running', async () => {
    const kept = await addNote('Kept', 'Stays the same: lighthouse.');
    const edited = await addNote('Edited', 'Before the edit: harbour.');
    const trashed = await addNote('Trashed', 'Goes to the trash: lighthouse.');
    const first = startKeeper();
    await first.ready;
    await first.dispose();
    const snapshot = await loadSearchSnapshot();
    expect(snapshot?.index.partAt.length).toBe(2);
    const [part] = await loadSearchSnapshotParts([0], snapshot!.stamp);
    expect(part?.length).toBeGreaterThan(0);

    // Changes nobody was listening to.
    await saveContent(edited, 'After the edit: estuary.');
    await trashNote(trashed);
    const added = await addNote('Added', 'Brand new: lighthouse.');

    const second = startKeeper();
    await second.settled();
    expect(second.status.restoredFromSnapshot).toBe(true);
    expect(find(second, 'lighthouse').sort()).toEqual([kept, added].sort());
    expect(find(second, 'estuary')).toEqual([edited]);
    expect(find(second, 'harbour')).toEqual([]);
  });

  it('writes no snapshot once disposed, even when disposed while indexing', async () => {
    await storeNotes(60, (i) => `Note ${i} about kites.`);
    const keeper = startKeeper();
    await keeper.ready; // indexing has begun, in the background
    await keeper.dispose();
    const written = (await loadSearchSnapshot())?.stamp;
    expect(written).toBeDefined();
    // Past the 2 s after a batch at which a running keeper writes its snapshot: a later keeper's
    // snapshot must not be overwritten by this one's.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect((await loadSearchSnapshot())?.stamp).toBe(written);
  });

  it('does not re-index an import stamped with one time, but finds a note saved in that same ms', async () => {
    const stampMs = Date.now();
    vi.spyOn(Date, 'now').mockReturnValue(stampMs);
    try {
      for (let i = 0; i < 5; i++) await addNote(`Imported ${i}`, 'Batch words: marmalade.');
      const first = startKeeper();
      await first.settled();
      expect(first.status.reindexedOnStart).toBe(5);
      await first.dispose();

      const late = await addNote('Late', 'Same millisecond: marmalade.');
      const second = startKeeper();
      await second.settled();
      expect(second.status).toMatchObject({ restoredFromSnapshot: true, reindexedOnStart: 1 });
      expect(find(second, 'marmalade')).toHaveLength(6);
      expect(find(second, 'millisecond')).toEqual([late]);
    } finally {
      vi.restoreAllMocks();
    }
  });

  it('empties on a vault reset', async () => {
    await addNote('Gone soon', 'Ephemeral words.');
    const keeper = startKeeper();
    await keeper.settled();
    expect(find(keeper, 'ephemeral')).toHaveLength(1);
    await wipeVault();
    await keeper.settled();
    expect(keeper.status.documentCount).toBe(0);
    expect(find(keeper, 'ephemeral')).toEqual([]);
  });

  it('rebuilds from the notes when the saved index is damaged, and says so', async () => {
    const id = await addNote('Sound', 'Intact words: kestrel.');
    const first = startKeeper();
    await first.settled();
    await first.dispose();
    const snapshot = (await loadSearchSnapshot())!;
    const [part] = await loadSearchSnapshotParts([0], snapshot.stamp);
    await saveSearchSnapshot(snapshot, [part!.slice(0, 3)]);

    const second = startKeeper();
    await second.settled();
    expect(errors).toEqual([expect.stringContaining('unreadable and is being rebuilt')]);
    errors.length = 0;
    expect(second.status.restoredFromSnapshot).toBe(false);
    expect(find(second, 'kestrel')).toEqual([id]);
  });

  it('rebuilds cleanly from a snapshot in the previous format (postings in the same record)', async () => {
    const id = await addNote('Older', 'Saved by a previous version: narwhal.');
    const first = startKeeper();
    await first.settled();
    await first.dispose();
    const current = (await loadSearchSnapshot())!;
    // Format 3's shape: the whole index in one record, postings packed in `packed`.
    const { docs } = current.index;
    const old = {
      ...current,
      formatVersion: 3,
      index: {
        docs,
        terms: 'narwhal',
        offsets: new Uint32Array([0, 1]),
        packed: new Uint8Array([0, 1]),
      },
    };
    await getDb().meta.put({ key: 'search-index', value: old, updatedAt: Date.now() });

    const second = startKeeper();
    await second.settled();
    expect(second.status).toMatchObject({ restoredFromSnapshot: false, reindexedOnStart: 1 });
    expect(find(second, 'narwhal')).toEqual([id]);
    await second.dispose();
    expect((await loadSearchSnapshot())?.formatVersion).toBe(snapshotFormatVersion);
  });

  it('re-indexes the notes a snapshot lists as still waiting, whatever their time', async () => {
    const id = await addNote('Waiting', 'Indexed text: anemone.');
    const first = startKeeper();
    await first.settled();
    await first.dispose();
    // The text changed without the index seeing it and without a newer time: only the snapshot's
    // list of waiting notes can tell (a snapshot written in the middle of a long import).
    await getDb().bodies.put({ id, content: 'Changed text: bromeliad.' });
    const snapshot = (await loadSearchSnapshot())!;
    const parts = await loadSearchSnapshotParts([0], snapshot.stamp);
    await saveSearchSnapshot({ ...snapshot, pendingIds: [id] }, parts as Uint8Array[]);

    const second = startKeeper();
    await second.settled();
    expect(second.status).toMatchObject({ restoredFromSnapshot: true, reindexedOnStart: 1 });
    expect(find(second, 'bromeliad')).toEqual([id]);
    expect(find(second, 'anemone')).toEqual([]);
  });

  it('saves the new tag rules after checking the tags, even when no note differed', async () => {
    await setDerivedTagsVersion(0);
    await addNote('Plain', 'No tags here: quince.');
    const first = startKeeper();
    await first.settled();
    await first.dispose();
    await setDerivedTagsVersion(1);

    const second = startKeeper();
    await second.settled();
    expect(second.status).toMatchObject({ restoredFromSnapshot: true, reindexedOnStart: 0 });
    await second.dispose();
    // Otherwise every later start would read every note's tags again.
    expect(((await loadSearchSnapshot()) as { tagsVersion?: number }).tagsVersion).toBe(1);
  });

  it('re-indexes notes whose tags were re-derived after its last snapshot, though their time is old', async () => {
    await setDerivedTagsVersion(0);
    const id = await addNote('Tagged', 'About zeppelins.');
    const other = await addNote('Other', 'Also zeppelins.');
    const first = startKeeper();
    await first.settled();
    await first.dispose();
    // Tag rules changed: the tags are rewritten (updatedAt untouched) and the tab closed before
    // the keyword index saw the announcement.
    const [source] = (await readTagSources('', 10)).filter((n) => n.id === id);
    await writeDerivedTags([{ id, hash: source!.hash, tags: ['project/alpha'] }]);
    await setDerivedTagsVersion(1);

    const second = startKeeper();
    await second.settled();
    expect(second.status).toMatchObject({ restoredFromSnapshot: true, reindexedOnStart: 1 });
    expect(second.index.search('zeppelins', { tag: 'project' }).map((m) => m.id)).toEqual([id]);
    await second.dispose();
    // The snapshot now follows the new rules: the next start compares nothing again.
    expect(((await loadSearchSnapshot()) as { tagsVersion?: number }).tagsVersion).toBe(1);
    const third = startKeeper();
    await third.settled();
    expect(third.status.reindexedOnStart).toBe(0);
    expect(find(third, 'zeppelins').sort()).toEqual([id, other].sort());
  });
});

/** Writes notes straight to IndexedDB (as an import does), without announcing them. */
async function storeNotes(count: number, text: (i: number) => string): Promise<void> {
  const now = Date.now();
  const notes: Note[] = [];
  const bodies: { id: string; content: string }[] = [];
  for (let i = 0; i < count; i++) {
    const id = `bulk-${String(i).padStart(4, '0')}`;
    notes.push({
      id,
      path: `bulk/${i}.md`,
      kind: 'note',
      title: `Bulk ${i}`,
      tags: [],
      date: '2024-01-01',
      sizeBytes: 0,
      hash: '',
      createdAt: now,
      updatedAt: now,
      deletedAt: 0,
    });
    bodies.push({ id, content: text(i) });
  }
  const db = getDb();
  await db.transaction('rw', db.notes, db.bodies, async () => {
    await db.notes.bulkPut(notes);
    await db.bodies.bulkPut(bodies);
  });
}

describe('search handlers', () => {
  const statuses: SearchEvents['status'][] = [];
  const emit = <K extends keyof SearchEvents>(name: K, payload: SearchEvents[K]) => {
    if (name === 'status') statuses.push(payload as SearchEvents['status']);
    else errors.push((payload as SearchEvents['error']).message);
  };
  // Each test's index stops with it. Left running, it writes its snapshot 2 s after its last
  // change, over the one a later test is restoring (on a loaded machine that lands mid-test).
  const services: ReturnType<typeof createSearchService>[] = [];
  const createSearchHandlers = (send: typeof emit) => {
    const service = createSearchService(send);
    services.push(service);
    return service.handlers;
  };
  afterEach(async () => {
    await Promise.all(services.splice(0).map((s) => s.dispose()));
  });

  it('answer at once from what is indexed so far, saying how much, then from everything', async () => {
    await storeNotes(150, (i) => `Note ${i} about ${i % 3 === 0 ? 'walruses' : 'otters'}.`);
    const handlers = createSearchHandlers(emit);
    const early = await handlers.search({ query: 'walruses' });
    expect(early.noteCount).toBe(150);
    expect(early.indexedCount).toBeLessThan(150);
    expect(early.total).toBeLessThan(50);

    let last = early;
    while (last.indexedCount < last.noteCount) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      last = await handlers.search({ query: 'walruses' });
    }
    expect(last).toMatchObject({ total: 50, indexedCount: 150, noteCount: 150, superseded: false });
    expect(last.hits[0]?.snippet.some((part) => part.hit && part.text === 'walruses')).toBe(true);
    // Progress was announced while indexing, and the last status says it is done.
    expect(statuses.some((s) => s.indexing && s.indexedCount < 150)).toBe(true);
    await expect.poll(() => statuses.at(-1)).toMatchObject({ indexing: false, documentCount: 150 });
  });

  it('answer an overtaken search as superseded, without snippets', async () => {
    await storeNotes(3, () => 'Kelp forests and kelp crabs.');
    const handlers = createSearchHandlers(emit);
    const [older, newer] = await Promise.all([
      handlers.search({ query: 'kel', seq: 1 }),
      handlers.search({ query: 'kelp', seq: 2 }),
    ]);
    expect(older).toMatchObject({ superseded: true, hits: [] });
    expect(newer.superseded).toBe(false);
    expect(newer.hits.length).toBe(newer.total);
  });

  it('answer from titles while the index is being restored, saying so, then from the index', async () => {
    await storeNotes(20, (i) => `Body ${i} about ${i % 2 === 0 ? 'walruses' : 'otters'}.`);
    const first = startKeeper();
    await first.settled();
    await first.dispose();
    const hooks = globalThis as { __hearthHoldRestore?: Promise<void> };
    let release = () => {};
    hooks.__hearthHoldRestore = new Promise<void>((resolve) => (release = resolve));
    try {
      const handlers = createSearchHandlers(emit);
      // 'Bulk 13' is a title; 'walruses' only in bodies, which the restore scan does not read.
      const byTitle = await handlers.search({ query: 'bulk 13' });
      expect(byTitle).toMatchObject({ restoring: true, indexedCount: 0, noteCount: 20, total: 1 });
      expect(byTitle.hits.map((h) => h.title)).toEqual(['Bulk 13']);
      expect(await handlers.search({ query: 'walruses' })).toMatchObject({
        restoring: true,
        total: 0,
      });
      expect(handlers.status()).toMatchObject({ ready: false });
      release();
      await expect.poll(() => handlers.status().ready).toBe(true);
      const restored = await handlers.search({ query: 'walruses' });
      expect(restored).toMatchObject({ restoring: false, total: 10, indexedCount: 20 });
      expect(handlers.status().restoredFromSnapshot).toBe(true);
    } finally {
      release();
      delete hooks.__hearthHoldRestore;
    }
  });

  it('answer from the restored index while it checks for changes made meanwhile, saying so', async () => {
    await storeNotes(20, (i) => `Body ${i} about ${i % 2 === 0 ? 'walruses' : 'otters'}.`);
    const first = startKeeper();
    await first.settled();
    await first.dispose();
    // Edited with no index listening: only the check after the restore can find it.
    await saveContent('bulk-0004', 'Now about narwhals.');
    const hooks = globalThis as { __hearthHoldCheck?: Promise<void> };
    let release = () => {};
    hooks.__hearthHoldCheck = new Promise<void>((resolve) => (release = resolve));
    try {
      const handlers = createSearchHandlers(emit);
      await expect.poll(() => handlers.status().ready).toBe(true);
      expect(handlers.status()).toMatchObject({ checking: true, restoredFromSnapshot: true });
      // The index as saved: the old text still matches, the new one not yet, and it says so.
      expect(await handlers.search({ query: 'walruses' })).toMatchObject({
        restoring: false,
        checking: true,
        total: 10,
      });
      expect(await handlers.search({ query: 'narwhals' })).toMatchObject({
        checking: true,
        total: 0,
      });
      release();
      await expect.poll(() => handlers.status().checking).toBe(false);
      await expect.poll(async () => (await handlers.search({ query: 'narwhals' })).total).toBe(1);
      expect(await handlers.search({ query: 'walruses' })).toMatchObject({
        checking: false,
        total: 9,
      });
      expect(handlers.status()).toMatchObject({ restoreCheck: 'counts', reindexedOnStart: 1 });
      expect(handlers.status().checkedMs).toBeGreaterThanOrEqual(handlers.status().restoreMs);
    } finally {
      release();
      delete hooks.__hearthHoldCheck;
    }
  });

  it('list the tags of the notes out of the trash, each once, sorted for people', async () => {
    await storeNotes(4, () => 'x');
    const db = getDb();
    await db.notes.update('bulk-0000', { tags: ['zebra', 'Éclair', 'apple'] });
    await db.notes.update('bulk-0001', { tags: ['apple', 'work/client'] });
    await db.notes.update('bulk-0002', { tags: ['trashed-only'], deletedAt: Date.now() });
    const handlers = createSearchHandlers(emit);
    await expect.poll(() => handlers.tags()).toEqual(['apple', 'Éclair', 'work/client', 'zebra']);
  });

  it('list the folders that hold notes, with their ancestors', async () => {
    await storeNotes(1, () => 'x');
    await getDb().notes.update('bulk-0000', { path: 'en/Plugins/Core/Canvas.md' });
    const handlers = createSearchHandlers(emit);
    await expect.poll(() => handlers.folders()).toEqual(['en', 'en/Plugins', 'en/Plugins/Core']);
  });
});
