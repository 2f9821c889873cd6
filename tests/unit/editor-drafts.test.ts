// No text lost between the editor, its drafts and other tabs: a draft row outlives its text only
// as long as the note lacks it, a recovered draft goes once saved, a tab whose saved text another
// tab moves into a conflict copy is told, and settling a conflict never discards typed text.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

// The editor and the router it imports expect a page: give them the little they touch.
vi.hoisted(() => {
  const events = new EventTarget();
  const stored = new Map<string, string>();
  Object.assign(globalThis, {
    location: new URL('http://localhost/'),
    addEventListener: events.addEventListener.bind(events),
    removeEventListener: events.removeEventListener.bind(events),
    document: { visibilityState: 'visible', addEventListener() {}, removeEventListener() {} },
    reportError: (error: unknown) => console.error(error),
    localStorage: {
      getItem: (key: string) => stored.get(key) ?? null,
      setItem: (key: string, value: string) => stored.set(key, value),
      removeItem: (key: string) => stored.delete(key),
    },
  });
});

// Recovery's save can be made to fail once (a full disk), the rest of the module stays real.
vi.mock('../../src/lib/vault/notes', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/lib/vault/notes')>();
  return { ...real, saveContent: vi.fn(real.saveContent) };
});

import type { DraftRecord } from '../../src/lib/db/db';
import { getDb } from '../../src/lib/db/db';
import { getNote } from '../../src/lib/db/notes-repo';
import { createNote, deleteForGood, saveContent, wipeVault } from '../../src/lib/vault/notes';
import { recoverDeletedNotes, recoverDrafts } from '../../src/lib/vault/draft-recovery';
import { DraftWriter } from '../../src/lib/storage/drafts';
import { EditorSession } from '../../src/lib/state/editor.svelte';
import { StorageFullError } from '../../src/lib/errors';

const sessions: EditorSession[] = [];

beforeEach(async () => {
  await wipeVault();
});

afterEach(() => {
  for (const session of sessions.splice(0)) session.close();
  vi.mocked(saveContent).mockClear();
});

async function openSession(id: string): Promise<EditorSession> {
  const session = new EditorSession(id);
  sessions.push(session);
  await session.load();
  return session;
}

const draft = (noteId: string, tab: string, content: string, baseHash: string, at = Date.now()) =>
  ({ id: `${noteId}|${tab}`, noteId, tabId: tab, content, baseHash, at }) satisfies DraftRecord;

const everyDraftIsOrphan = () => Promise.resolve(true);
const tabsOf = async () => (await getDb().drafts.toArray()).map((d) => d.tabId);

describe('a draft left with no text the note lacks', () => {
  it('is dropped when the editor settles without a write (typed, then undone)', async () => {
    const note = await createNote('Undone');
    const session = await openSession(note.id);
    session.edit(`${note.content}x`);
    session.edit(note.content);
    await session.flush();
    expect(session.status).toBe('saved');
    await expect.poll(tabsOf).toEqual([]);
  });

  it('is dropped after the draft writes still on their way', async () => {
    const note = await createNote('In flight');
    await getDb().open();
    const writer = new DraftWriter(note.id, () => {});
    writer.write('a', note.hash); // on its way
    writer.write('ab', note.hash); // queued behind it
    writer.clear();
    await expect.poll(tabsOf).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await tabsOf()).toEqual([]);
  });

  it('never reverts a later change when recovery finds it (equal to its base version)', async () => {
    const note = await createNote('Plan');
    await getDb().drafts.put(draft(note.id, 'tab-a', note.content, note.hash));
    const newer = `${note.content}typed later in tab B\n`;
    await saveContent(note.id, newer, note.hash);
    const recovery = await recoverDrafts(note.id, everyDraftIsOrphan);
    expect(recovery).toMatchObject({ restored: 0, conflicts: [] });
    expect((await getNote(note.id))?.content).toBe(newer);
    expect(await getDb().drafts.count()).toBe(0);
  });

  it('is deleted by a save that began after it was written, not rebased onto the save', async () => {
    const note = await createNote('Rebase');
    const since = Date.now();
    await getDb().drafts.bulkPut([
      draft(note.id, 'me', `${note.content}a`, note.hash, since - 5), // older than the save
      draft(note.id, 'other', `${note.content}theirs`, note.hash, since - 5),
    ]);
    await saveContent(note.id, `${note.content}ab`, note.hash, { tabId: 'me', since });
    expect(await tabsOf()).toEqual(['other']);

    // One typed after the save began is kept, on the saved version.
    const saved = await getNote(note.id);
    await getDb().drafts.put(draft(note.id, 'me', `${saved!.content}c`, saved!.hash, since + 50));
    const next = await saveContent(
      note.id,
      `${saved!.content}c`.replace('abc', 'ab!'),
      saved!.hash,
      {
        tabId: 'me',
        since: since + 10,
      },
    );
    expect(await getDb().drafts.get(`${note.id}|me`)).toMatchObject({ baseHash: next.note.hash });
  });
});

describe('a recovered draft the editor holds', () => {
  it('goes with the next save, so it is never replayed over newer text', async () => {
    const note = await createNote('Kept');
    const recovered = `${note.content}from the closed tab\n`;
    await getDb().drafts.put(draft(note.id, 'closed', recovered, note.hash));
    vi.mocked(saveContent).mockRejectedValueOnce(new StorageFullError('“Kept”'));
    const session = await openSession(note.id);
    expect(session.status).toBe('error');
    expect(session.content).toBe(recovered);

    const latest = `${recovered}and more typed after recovery\n`;
    session.edit(latest);
    await session.flush();
    expect(session.status).toBe('saved');
    await expect.poll(tabsOf).toEqual([]);
    await recoverDrafts(note.id, everyDraftIsOrphan);
    expect((await getNote(note.id))?.content).toBe(latest);
  });
});

describe('a conflict copy made by another tab', () => {
  it('of the text this tab saved is shown here too', async () => {
    const note = await createNote('Shared');
    const session = await openSession(note.id);
    const mine = `${note.content}saved in this tab\n`;
    session.edit(mine);
    await session.flush();
    expect(session.status).toBe('saved');

    // Another tab's save, typed over the version before ours, wins: ours goes into a copy.
    const theirs = `${note.content}saved late in another tab\n`;
    const { conflict } = await saveContent(note.id, theirs, note.hash, { tabId: 'other-tab' });
    await expect.poll(() => session.content).toBe(theirs);
    await expect.poll(() => session.conflicts.length).toBe(1);
    expect(session.conflicts[0]).toMatchObject({ id: conflict!.id, mine, mineInCopy: true });

    // Keeping mine puts it back; the copy then holds the other text, in the trash.
    await session.settle(session.conflicts[0]!, 'mine');
    expect((await getNote(note.id))?.content).toBe(mine);
    const copy = await getNote(conflict!.id);
    expect(copy?.content).toContain('saved late in another tab');
    expect(copy?.deletedAt).toBeGreaterThan(0);
  });
});

describe('keeping the other version of a conflict', () => {
  it('keeps the text typed after the conflict, in the trashed copy', async () => {
    const note = await createNote('Groceries');
    const session = await openSession(note.id);
    const mine = `${note.content}- lentils\n`;
    session.edit(mine);
    const theirs = `${note.content}- oat milk\n`;
    await saveContent(note.id, theirs, note.hash, { tabId: 'other-tab' });
    await session.flush();
    expect(session.conflicts).toHaveLength(1);

    const conflict = session.conflicts[0]!;
    session.edit(`${mine}- typed after the conflict\n`);
    await session.settle(conflict, 'theirs');
    expect((await getNote(note.id))?.content).toBe(theirs);
    const copy = await getNote(conflict.id);
    expect(copy?.content).toContain('- lentils\n- typed after the conflict\n');
    expect(copy?.deletedAt).toBeGreaterThan(0);
    expect(session.conflicts).toHaveLength(0);
  });
});

describe('drafts of a note deleted for good', () => {
  it('come back as new notes once their tab is gone', async () => {
    const note = await createNote('Gone');
    const typed = `${note.content}typed after it was deleted\n`;
    await deleteForGood(note.id);
    await getDb().drafts.bulkPut([
      draft(note.id, 'closed', typed, note.hash),
      draft(note.id, 'live', `${typed}still typing`, note.hash),
    ]);
    const made = await recoverDeletedNotes((d) => Promise.resolve(d.tabId !== 'live'));
    expect(made.map((n) => n.title)).toEqual(['Recovered: Gone']);
    expect((await getNote(made[0]!.id))?.content).toContain('typed after it was deleted');
    expect(await tabsOf()).toEqual(['live']);
  });
});

describe('saving the text of a note deleted for good as a new note', () => {
  it('waits for the save already running, so that save failing cannot mark the text unsaved again', async () => {
    const note = await createNote('Gone');
    const session = await openSession(note.id);
    await deleteForGood(note.id);
    session.edit(`${note.content}typed after it was deleted\n`);
    await session.flush();
    expect(session.gone).toBe(true);

    // The button clicked with the text focused: the blur's save to the gone note is still running.
    const real = vi.mocked(saveContent).getMockImplementation()!;
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    vi.mocked(saveContent).mockImplementationOnce(async (...args) => {
      await held;
      return real(...args);
    });
    const blurSave = session.flush();
    const made = session.saveAsNew();
    await new Promise((resolve) => setTimeout(resolve, 50));
    release();
    const [id] = await Promise.all([made, blurSave]);

    expect(session.status).toBe('saved');
    expect(session.error).toBeNull();
    expect((await getNote(id!))?.content).toContain('typed after it was deleted');
  });
});
