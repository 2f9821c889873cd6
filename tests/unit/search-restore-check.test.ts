// The keyword index's restore trusts its snapshot on a few counts when they agree with it
// (restore-check.ts), and compares every note's id when they do not, or afterwards when they do.
// Each case changes the vault with no index listening, then starts one and asks what it found.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IndexKeeper } from '../../src/lib/search/index-keeper';
import { createNote, restoreNote, saveContent, trashNote, wipeVault } from '../fixtures/notes';
import { loadSearchSnapshotParts, saveSearchSnapshot } from '../../src/lib/db/search-source';
import { loadSearchSnapshot } from '../fixtures/search-snapshot';
import { deleteNotes } from '../../src/lib/db/notes-write';
import { getDb } from '../../src/lib/db/db';

const keepers: IndexKeeper[] = [];
const errors: string[] = [];

function startKeeper(): IndexKeeper {
  const keeper = new IndexKeeper({ status: () => {}, error: (message) => errors.push(message) });
  keepers.push(keeper);
  return keeper;
}

async function addNote(title: string, body: string): Promise<string> {
  const note = await createNote(title);
  await saveContent(note.id, `${note.content}\n${body}\n`);
  return note.id;
}

/** Starts an index on the vault as it is, lets it save its snapshot, and stops it. */
async function indexAndClose(): Promise<void> {
  const keeper = startKeeper();
  await keeper.settled();
  await keeper.dispose();
}

/** Lets the clock move on, so the next note is written in a later millisecond. */
const laterMs = () => new Promise((resolve) => setTimeout(resolve, 3));

const find = (keeper: IndexKeeper, query: string) =>
  keeper.index
    .search(query)
    .map((m) => m.id)
    .sort();

beforeEach(async () => {
  await wipeVault();
  errors.length = 0;
});

afterEach(async () => {
  await Promise.all(keepers.splice(0).map((k) => k.dispose()));
  expect(errors).toEqual([]);
});

describe('keyword index restore check', () => {
  it('trusts the counts when nothing changed, and re-indexes nothing', async () => {
    const a = await addNote('First', 'Words about lanterns.');
    const b = await addNote('Second', 'More lanterns.');
    await indexAndClose();
    const keeper = startKeeper();
    await keeper.settled();
    expect(keeper.status).toMatchObject({ restoreCheck: 'counts', reindexedOnStart: 0 });
    expect(find(keeper, 'lanterns')).toEqual([a, b].sort());
  });

  it('trusts the counts after an edit, and indexes the edited note again', async () => {
    const kept = await addNote('Kept', 'Stays: lanterns.');
    const edited = await addNote('Edited', 'Before: harbour.');
    await indexAndClose();
    await saveContent(edited, 'After: estuary.');
    const keeper = startKeeper();
    await keeper.settled();
    expect(keeper.status).toMatchObject({ restoreCheck: 'counts', reindexedOnStart: 1 });
    expect(find(keeper, 'estuary')).toEqual([edited]);
    expect(find(keeper, 'harbour')).toEqual([]);
    expect(find(keeper, 'lanterns')).toEqual([kept]);
  });

  it('compares ids when a note was trashed', async () => {
    const kept = await addNote('Kept', 'Lanterns here.');
    const trashed = await addNote('Trashed', 'Lanterns there.');
    await indexAndClose();
    await trashNote(trashed);
    const keeper = startKeeper();
    await keeper.settled();
    expect(keeper.status.restoreCheck).toBe('ids');
    expect(find(keeper, 'lanterns')).toEqual([kept]);
  });

  it('compares ids when a note came back from the trash', async () => {
    // Written before the newest indexed note: its time says nothing changed.
    const back = await addNote('Back', 'Lanterns there.');
    await laterMs();
    const kept = await addNote('Kept', 'Lanterns here.');
    await trashNote(back);
    await indexAndClose();
    await restoreNote(back);
    const keeper = startKeeper();
    await keeper.settled();
    expect(keeper.status.restoreCheck).toBe('ids');
    expect(find(keeper, 'lanterns')).toEqual([kept, back].sort());
  });

  it('compares ids when a note was deleted for good', async () => {
    const kept = await addNote('Kept', 'Lanterns here.');
    const deleted = await addNote('Deleted', 'Lanterns there.');
    await indexAndClose();
    await deleteNotes([deleted]);
    const keeper = startKeeper();
    await keeper.settled();
    expect(keeper.status.restoreCheck).toBe('ids');
    expect(find(keeper, 'lanterns')).toEqual([kept]);
  });

  it('finds changes that cancel out in the counts by comparing ids once searchable', async () => {
    // Deleted for good while live, and another restored from the trash: the live count is the
    // same, the newest trash time is not newer, and neither note's time moved.
    const deleted = await addNote('Deleted', 'Lanterns gone.');
    const back = await addNote('Back', 'Lanterns back.');
    await laterMs();
    const kept = await addNote('Kept', 'Lanterns kept.');
    await trashNote(back);
    await indexAndClose();
    await deleteNotes([deleted]);
    await restoreNote(back);
    const keeper = startKeeper();
    await keeper.settled();
    expect(keeper.status.restoreCheck).toBe('counts');
    expect(keeper.status.reindexedOnStart).toBe(2);
    expect(find(keeper, 'lanterns')).toEqual([kept, back].sort());
  });

  it('rebuilds when the id lists belong to another save, saying so', async () => {
    // Another tab saved between this start's reads: the lists it finds are not its snapshot's.
    const kept = await addNote('Kept', 'Lanterns here.');
    await indexAndClose();
    const db = getDb();
    const marks = await db.meta.get('search-index/marks');
    expect(marks).toBeDefined();
    await db.meta.put({ ...marks!, value: { ...(marks!.value as object), stamp: 'another-save' } });
    const edited = await addNote('Later', 'Lanterns later.');
    const keeper = startKeeper();
    await keeper.settled();
    expect(errors).toEqual([expect.stringMatching(/replaced .* and is being rebuilt/)]);
    errors.length = 0;
    expect(keeper.status).toMatchObject({ restoredFromSnapshot: false, documentCount: 2 });
    expect(find(keeper, 'lanterns')).toEqual([kept, edited].sort());
  });

  it('compares ids for a snapshot saved before the check, then saves one it can trust', async () => {
    const id = await addNote('Older', 'Saved by an earlier version: narwhal.');
    await indexAndClose();
    const { deletedMark: _mark, ...older } = (await loadSearchSnapshot()) as Awaited<
      ReturnType<typeof loadSearchSnapshot>
    > & { deletedMark?: number };
    const parts = await loadSearchSnapshotParts([0], older.stamp);
    await saveSearchSnapshot(older, parts as Uint8Array[]);

    const second = startKeeper();
    await second.settled();
    expect(second.status).toMatchObject({ restoreCheck: 'ids', reindexedOnStart: 0 });
    expect(find(second, 'narwhal')).toEqual([id]);
    await second.dispose();
    const third = startKeeper();
    await third.settled();
    expect(third.status).toMatchObject({ restoreCheck: 'counts', reindexedOnStart: 0 });
    expect(find(third, 'narwhal')).toEqual([id]);
  });
});
