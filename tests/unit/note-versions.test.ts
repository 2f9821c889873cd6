// Versioned saves: a save names the version it was based on, and a save over a newer version
// keeps both texts (the note takes the new one, a conflict copy the stored one).
import { beforeEach, describe, expect, it } from 'vitest';
import {
  createNote,
  openOrCreateJournal,
  renameNote,
  saveContent,
  wipeVault,
} from '../../src/lib/vault/notes';
import { getNote, journalEntry } from '../../src/lib/db/notes-repo';
import { getDb } from '../../src/lib/db/db';
import { onVaultChange, type VaultChange } from '../../src/lib/vault/changes';
import { NotFoundError } from '../../src/lib/errors';
import { emptyTrash, trashNote } from '../fixtures/notes';

beforeEach(async () => {
  await wipeVault();
});

const allNotes = async () => {
  const db = getDb();
  const notes = await db.notes.orderBy('path').toArray();
  const bodies = await db.bodies.bulkGet(notes.map((n) => n.id));
  return notes.map((n, i) => ({ path: n.path, title: n.title, content: bodies[i]?.content }));
};

describe('versioned saves', () => {
  it('saves over the version it was based on without a copy', async () => {
    const note = await createNote('Plan');
    const first = await saveContent(note.id, `${note.content}one\n`, note.hash);
    const second = await saveContent(note.id, `${note.content}one\ntwo\n`, first.note.hash);
    expect(first.conflict).toBeNull();
    expect(second.conflict).toBeNull();
    expect(await allNotes()).toEqual([
      { path: 'Plan.md', title: 'Plan', content: `${note.content}one\ntwo\n` },
    ]);
  });

  it('keeps both texts when the stored note changed since the base, and announces both', async () => {
    const changes: VaultChange[] = [];
    const stop = onVaultChange((c) => changes.push(c));
    const note = await createNote('Groceries');
    const theirs = `${note.content}- oat milk (typed in another tab)\n`;
    const { note: stored } = await saveContent(note.id, theirs, note.hash);
    const mine = `${note.content}- lentils (typed here)\n`;
    const { note: saved, conflict } = await saveContent(note.id, mine, note.hash);
    stop();

    expect(saved.content).toBe(mine);
    expect(conflict).not.toBeNull();
    expect(conflict!.theirs).toBe(theirs);
    expect(conflict!.mine).toBe(mine);
    expect(conflict!.title).toMatch(/^Groceries \(conflict \d{4}-\d{2}-\d{2} \d{2}\.\d{2}\)$/);
    expect(conflict!.path).toBe(`${conflict!.title}.md`);
    const copy = await getNote(conflict!.id);
    // The copy is the other text with its own title: the body is untouched.
    expect(copy?.content).toBe(theirs.replace('title: Groceries', `title: ${conflict!.title}`));
    expect(copy?.title).toBe(conflict!.title);
    expect(changes).toContainEqual({
      type: 'notes-changed',
      ids: [note.id, conflict!.id],
      // The version moved into the copy, so the tab that saved it can tell its user.
      moved: { noteId: note.id, copyId: conflict!.id, hash: stored.hash },
    });
  });

  it('two saves racing from the same base both survive', async () => {
    const note = await createNote('Race');
    const a = `${note.content}from tab A\n`;
    const b = `${note.content}from tab B\n`;
    const outcomes = await Promise.all([
      saveContent(note.id, a, note.hash),
      saveContent(note.id, b, note.hash),
    ]);
    expect(outcomes.filter((o) => o.conflict !== null)).toHaveLength(1);
    const texts = (await allNotes()).map((n) => n.content ?? '');
    expect(texts.some((t) => t.endsWith('from tab A\n'))).toBe(true);
    expect(texts.some((t) => t.endsWith('from tab B\n'))).toBe(true);
    expect(texts).toHaveLength(2);
  });

  it('is no conflict when the other side wrote the same text, or changed it and back', async () => {
    const note = await createNote('Same');
    const text = `${note.content}identical\n`;
    await saveContent(note.id, text, note.hash);
    expect((await saveContent(note.id, text, note.hash)).conflict).toBeNull();

    const base = (await getNote(note.id))!;
    const other = await saveContent(note.id, `${text}detour\n`, base.hash);
    await saveContent(note.id, text, other.note.hash); // back to the base text elsewhere
    const mine = await saveContent(note.id, `${text}mine\n`, base.hash);
    expect(mine.conflict).toBeNull();
    expect(await getDb().notes.count()).toBe(1);
  });

  it('a rename over a newer version keeps the other text too', async () => {
    const note = await createNote('Draft');
    await saveContent(note.id, `${note.content}edited elsewhere\n`, note.hash);
    const { note: renamed, conflict } = await renameNote(
      note.id,
      'Final',
      `${note.content}edited here\n`,
      note.hash,
    );
    expect(renamed).toMatchObject({ path: 'Final.md', title: 'Final' });
    expect(renamed.content).toContain('edited here');
    expect((await getNote(conflict!.id))?.content).toContain('edited elsewhere');
  });

  it("a journal entry's conflict copy is a plain note, so the day keeps one entry", async () => {
    const entry = await openOrCreateJournal('2026-12-04');
    const stored = (await getNote(entry.id))!;
    await saveContent(entry.id, `${stored.content}morning\n`, stored.hash);
    const { conflict } = await saveContent(entry.id, `${stored.content}evening\n`, stored.hash);
    const copy = await getNote(conflict!.id);
    expect(copy).toMatchObject({ kind: 'note' });
    expect(copy?.path.startsWith('journal/')).toBe(true);
    expect(copy?.content).toContain('morning');
    expect((await journalEntry('2026-12-04'))?.id).toBe(entry.id);
  });

  it('keeps the trash state and refuses to save into a note deleted for good', async () => {
    const note = await createNote('Gone');
    await trashNote(note.id);
    const saved = await saveContent(note.id, 'typed while trashed', note.hash);
    expect(saved.note.deletedAt).toBeGreaterThan(0);
    await emptyTrash();
    await expect(saveContent(note.id, 'typed after', saved.note.hash)).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });
});

describe('saves and drafts', () => {
  const draft = (noteId: string, tabId: string, content: string, baseHash: string) => ({
    id: `${noteId}|${tabId}`,
    noteId,
    tabId,
    content,
    baseHash,
    at: Date.now(),
  });

  it('drops the drafts a save makes safe and rebases the saving tab’s newer draft', async () => {
    const note = await createNote('Drafted');
    const saved = `${note.content}saved text\n`;
    // The save takes its text before tab-a's draft is written: that draft is newer.
    const since = Date.now() - 1;
    await getDb().drafts.bulkPut([
      draft(note.id, 'tab-a', `${saved}and more typed while saving`, note.hash),
      draft(note.id, 'tab-b', saved, note.hash),
      draft(note.id, 'tab-c', `${note.content}another tab's own typing`, note.hash),
    ]);
    const { note: after } = await saveContent(note.id, saved, note.hash, { tabId: 'tab-a', since });
    const left = await getDb().drafts.orderBy('id').toArray();
    expect(left.map((d) => [d.tabId, d.baseHash])).toEqual([
      ['tab-a', after.hash],
      ['tab-c', note.hash],
    ]);
  });

  it('wiping the vault clears drafts too', async () => {
    const note = await createNote('Wiped');
    await getDb().drafts.put(draft(note.id, 'tab-a', 'x', note.hash));
    await wipeVault();
    expect(await getDb().drafts.count()).toBe(0);
    expect(await getDb().notes.count()).toBe(0);
  });

  it('emptying the trash deletes the drafts of the notes it deletes, no others', async () => {
    const kept = await createNote('Kept');
    const gone = await createNote('Thrown away');
    await getDb().drafts.bulkPut([
      draft(kept.id, 'tab-a', 'kept draft', kept.hash),
      draft(gone.id, 'tab-a', 'gone draft', gone.hash),
    ]);
    await trashNote(gone.id);
    await emptyTrash();
    expect((await getDb().drafts.toArray()).map((d) => d.content)).toEqual(['kept draft']);
  });
});
