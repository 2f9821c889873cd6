import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IndexKeeper, type IndexStatus } from '../../src/lib/search/index-keeper';
import {
  createNote,
  restoreNote,
  saveContent,
  trashNote,
  wipeVault,
} from '../../src/lib/db/notes-repo';
import { loadSearchSnapshot } from '../../src/lib/db/search-source';

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
    expect(keeper.status).toMatchObject({
      ready: true,
      documentCount: 2,
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
    expect(snapshot?.index.length).toBeGreaterThan(0);

    // Changes nobody was listening to.
    await saveContent(edited, 'After the edit: estuary.');
    await trashNote(trashed);
    const added = await addNote('Added', 'Brand new: lighthouse.');

    const second = startKeeper();
    await second.ready;
    expect(second.status.restoredFromSnapshot).toBe(true);
    expect(find(second, 'lighthouse').sort()).toEqual([kept, added].sort());
    expect(find(second, 'estuary')).toEqual([edited]);
    expect(find(second, 'harbour')).toEqual([]);
  });

  it('does not re-index an import stamped with one time, but finds a note saved in that same ms', async () => {
    const stampMs = Date.now();
    vi.spyOn(Date, 'now').mockReturnValue(stampMs);
    try {
      for (let i = 0; i < 5; i++) await addNote(`Imported ${i}`, 'Batch words: marmalade.');
      const first = startKeeper();
      await first.ready;
      expect(first.status.reindexedOnStart).toBe(5);
      await first.dispose();

      const late = await addNote('Late', 'Same millisecond: marmalade.');
      const second = startKeeper();
      await second.ready;
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
    await keeper.ready;
    expect(find(keeper, 'ephemeral')).toHaveLength(1);
    await wipeVault();
    await keeper.settled();
    expect(keeper.status.documentCount).toBe(0);
    expect(find(keeper, 'ephemeral')).toEqual([]);
  });
});
