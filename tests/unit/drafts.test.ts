// Drafts: written through the raw connection with an early commit, recovered on open as the
// saves they were meant to be, never dropped unless the note already holds their text.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DraftRecord } from '../../src/lib/db/db';
import { getDb } from '../../src/lib/db/db';
import { getNote } from '../../src/lib/db/notes-repo';
import { createNote, saveContent, wipeVault } from '../../src/lib/vault/notes';
import { recoverDrafts } from '../../src/lib/vault/draft-recovery';
import { DraftWriter, migrateLegacyDrafts, moveHideCopies } from '../../src/lib/storage/drafts';
import { tabId } from '../../src/lib/storage/tab-lock';

beforeEach(async () => {
  await wipeVault();
});

const draft = (
  noteId: string,
  tab: string,
  content: string,
  baseHash: string,
  at = Date.now(),
): DraftRecord => ({ id: `${noteId}|${tab}`, noteId, tabId: tab, content, baseHash, at });

const everyDraftIsOrphan = () => Promise.resolve(true);

describe('draft recovery', () => {
  it('saves a draft typed over the stored version and drops it', async () => {
    const note = await createNote('Typed');
    await getDb().drafts.put(draft(note.id, 'closed-tab', `${note.content}typed`, note.hash));
    const recovery = await recoverDrafts(note.id, everyDraftIsOrphan);
    expect(recovery).toMatchObject({ restored: 1, conflicts: [], unsaved: null });
    expect((await getNote(note.id))?.content).toBe(`${note.content}typed`);
    expect(await getDb().drafts.count()).toBe(0);
  });

  it('keeps both when the note changed after the draft was typed', async () => {
    const note = await createNote('Changed');
    await getDb().drafts.put(draft(note.id, 'closed-tab', `${note.content}the draft`, note.hash));
    await saveContent(note.id, `${note.content}changed later`, note.hash);
    const recovery = await recoverDrafts(note.id, everyDraftIsOrphan);
    expect(recovery.conflicts).toHaveLength(1);
    expect((await getNote(note.id))?.content).toBe(`${note.content}the draft`);
    expect((await getNote(recovery.conflicts[0]!.id))?.content).toContain('changed later');
    expect(await getDb().drafts.count()).toBe(0);
  });

  it('drops a draft the note already holds, and leaves live tabs’ drafts alone', async () => {
    const note = await createNote('Quiet');
    await getDb().drafts.bulkPut([
      draft(note.id, 'closed-tab', note.content, 'some-older-hash'),
      draft(note.id, 'live-tab', `${note.content}still typing there`, note.hash),
    ]);
    const recovery = await recoverDrafts(note.id, (d) => Promise.resolve(d.tabId !== 'live-tab'));
    expect(recovery.restored).toBe(0);
    expect((await getDb().drafts.toArray()).map((d) => d.tabId)).toEqual(['live-tab']);
    expect(await getDb().notes.count()).toBe(1);
  });

  it('replays two closed tabs’ drafts oldest first, keeping both texts', async () => {
    const note = await createNote('Two tabs');
    await getDb().drafts.bulkPut([
      draft(note.id, 'tab-late', `${note.content}later tab`, note.hash, 2000),
      draft(note.id, 'tab-early', `${note.content}earlier tab`, note.hash, 1000),
    ]);
    const recovery = await recoverDrafts(note.id, everyDraftIsOrphan);
    expect(recovery.restored).toBe(2);
    expect((await getNote(note.id))?.content).toBe(`${note.content}later tab`);
    expect((await getNote(recovery.conflicts[0]!.id))?.content).toContain('earlier tab');
  });
});

describe('DraftWriter', () => {
  it('writes each keystroke’s text, keeping only the newest while one write is on its way', async () => {
    const note = await createNote('Keys');
    await getDb().open();
    const results: unknown[] = [];
    const writer = new DraftWriter(note.id, (error) => results.push(error));
    for (const text of ['a', 'ab', 'abc', 'abcd']) writer.write(text, note.hash);
    await expect.poll(() => results.length).toBe(2);
    expect(results).toEqual([null, null]);
    const stored = await getDb().drafts.get(`${note.id}|${tabId}`);
    expect(stored).toMatchObject({ content: 'abcd', baseHash: note.hash, tabId });
  });

  it('is busy from the first write until the last queued change has landed', async () => {
    const note = await createNote('Busy');
    await getDb().open();
    const busy: boolean[] = [];
    const stored: (string | undefined)[] = [];
    const writer = new DraftWriter(
      note.id,
      () => {},
      (value) => {
        busy.push(value);
        // When the writer says it is idle, the draft must already hold the newest text.
        if (!value)
          void getDb()
            .drafts.get(`${note.id}|${tabId}`)
            .then((d) => stored.push(d?.content));
      },
    );
    for (const text of ['x', 'xy', 'xyz']) writer.write(text, note.hash);
    await expect.poll(() => stored.length).toBe(1);
    expect(busy).toEqual([true, false]);
    expect(stored).toEqual(['xyz']);
  });
});

/** A localStorage over `store`, enumerable like the real one (drafts are found by key prefix). */
function stubLocalStorage(store: Map<string, string>): void {
  Object.defineProperty(globalThis, 'localStorage', {
    configurable: true,
    value: new Proxy(
      {
        getItem: (key: string) => store.get(key) ?? null,
        setItem: (key: string, value: string) => store.set(key, value),
        removeItem: (key: string) => store.delete(key),
      },
      {
        ownKeys: () => [...store.keys()],
        getOwnPropertyDescriptor: () => ({ enumerable: true, configurable: true }),
      },
    ),
  });
}

describe('legacy localStorage drafts', () => {
  const store = new Map<string, string>();
  beforeEach(() => {
    store.clear();
    stubLocalStorage(store);
  });
  afterEach(() => {
    Reflect.deleteProperty(globalThis, 'localStorage');
  });

  it('moves them into IndexedDB once, with a base only when typed after the last change', async () => {
    const fresh = await createNote('Fresh');
    const stale = await createNote('Stale');
    store.set(`hearth:draft:${fresh.id}`, JSON.stringify({ content: 'new', at: Date.now() + 1 }));
    store.set(`hearth:draft:${stale.id}`, JSON.stringify({ content: 'old', at: 1 }));
    store.set('hearth:editor-mode', 'split');
    await migrateLegacyDrafts();
    expect([...store.keys()]).toEqual(['hearth:editor-mode']);
    const drafts = await getDb().drafts.toArray();
    expect(drafts.find((d) => d.noteId === fresh.id)).toMatchObject({
      content: 'new',
      baseHash: fresh.hash,
      tabId: 'legacy',
    });
    expect(drafts.find((d) => d.noteId === stale.id)).toMatchObject({
      content: 'old',
      baseHash: '',
    });
  });
});

describe('a draft still on its way when the page hides', () => {
  const store = new Map<string, string>();
  const copyKey = (noteId: string) => `hearth:unsaved-draft:${noteId}|${tabId}`;
  beforeEach(() => {
    store.clear();
    stubLocalStorage(store);
  });
  afterEach(() => {
    Reflect.deleteProperty(globalThis, 'localStorage');
  });

  /**
   * Holds the drafts store the way a note save on its way does: a read-write transaction over it
   * that keeps making requests, so every draft write created later waits. Resolves on release.
   */
  function holdDraftsStore(): { release: () => Promise<void> } {
    const tx = getDb().backendDB().transaction('drafts', 'readwrite');
    let held = true;
    const spin = () => {
      tx.objectStore('drafts').get('nothing').onsuccess = () => {
        if (held) spin();
      };
    };
    spin();
    const done = new Promise<void>((resolve) => (tx.oncomplete = () => resolve()));
    return {
      release: () => {
        held = false;
        return done;
      },
    };
  }

  it('keeps the text in localStorage at once, and drops that copy when the draft lands', async () => {
    const note = await createNote('Hidden');
    await getDb().open();
    const results: unknown[] = [];
    const writer = new DraftWriter(note.id, (error) => results.push(error));
    const save = holdDraftsStore();
    writer.write('typed just before leaving', note.hash);
    writer.flushNow(); // pagehide
    const kept = store.get(copyKey(note.id));
    await save.release(); // a failure above must not leave the store held for the next tests
    expect(JSON.parse(kept ?? 'null')).toMatchObject({
      noteId: note.id,
      tabId,
      content: 'typed just before leaving',
      baseHash: note.hash,
    });
    await expect.poll(() => results.length).toBe(1);
    expect(store.has(copyKey(note.id))).toBe(false);
    expect((await getDb().drafts.get(`${note.id}|${tabId}`))?.content).toBe(
      'typed just before leaving',
    );
  });

  it('writes no copy when every draft is on disk', async () => {
    const note = await createNote('Landed');
    await getDb().open();
    const results: unknown[] = [];
    const writer = new DraftWriter(note.id, (error) => results.push(error));
    writer.write('landed', note.hash);
    await expect.poll(() => results.length).toBe(1);
    writer.flushNow();
    expect(store.size).toBe(0);
  });

  it('the next page moves a copy into the drafts, and recovery saves it into the note', async () => {
    const note = await createNote('Evicted');
    const gone = 'a-tab-whose-page-was-evicted';
    const copy = draft(note.id, gone, `${note.content}every key`, note.hash);
    store.set(`hearth:unsaved-draft:${copy.id}`, JSON.stringify(copy));
    await moveHideCopies();
    expect(store.size).toBe(0);
    const recovery = await recoverDrafts(note.id, everyDraftIsOrphan);
    expect(recovery).toMatchObject({ restored: 1, conflicts: [], unsaved: null });
    expect((await getNote(note.id))?.content).toBe(`${note.content}every key`);
  });

  it('a copy older than the stored draft does not replace it', async () => {
    const note = await createNote('Newer on disk');
    const tab = 'another-tab';
    await getDb().drafts.put(draft(note.id, tab, 'newer', note.hash, 2_000));
    const copy = draft(note.id, tab, 'older', note.hash, 1_000);
    store.set(`hearth:unsaved-draft:${copy.id}`, JSON.stringify(copy));
    await moveHideCopies();
    expect(store.size).toBe(0);
    expect((await getDb().drafts.get(copy.id))?.content).toBe('newer');
  });
});
