import { beforeEach, describe, expect, it } from 'vitest';
import {
  createNote,
  deleteForGood,
  emptyTrash,
  openOrCreateJournal,
  renameNote,
  restoreNote,
  setTags,
  trashNote,
  wipeVault,
} from '../../src/lib/vault/notes';
import { findByLinkTarget, getNote } from '../../src/lib/db/notes-repo';
import { getDb } from '../../src/lib/db/db';
import { onVaultChange, type VaultChange } from '../../src/lib/vault/changes';
import { saveContent } from '../fixtures/notes';

beforeEach(async () => {
  await wipeVault();
});

describe('notes repository', () => {
  it('creates a note with frontmatter and a unique path', async () => {
    const a = await createNote('Ideas');
    const b = await createNote('Ideas');
    expect(a.path).toBe('Ideas.md');
    expect(b.path).toBe('Ideas 2.md');
    expect(a.content).toBe('---\ntitle: Ideas\ntags: []\n---\n\n');
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('saves content, re-derives metadata and announces the change', async () => {
    const changes: VaultChange[] = [];
    const stop = onVaultChange((c) => changes.push(c));
    const note = await createNote();
    const saved = await saveContent(note.id, '---\ntitle: Renamed in text\ntags: [x]\n---\nhello');
    stop();
    expect(saved).toMatchObject({
      title: 'Renamed in text',
      tags: ['x'],
      createdAt: note.createdAt,
    });
    expect((await getNote(note.id))?.content).toBe(
      '---\ntitle: Renamed in text\ntags: [x]\n---\nhello',
    );
    expect(changes).toContainEqual({ type: 'notes-changed', ids: [note.id] });
  });

  it('renames the file with the title, avoiding clashes, and tags through frontmatter', async () => {
    await createNote('Taken');
    const note = await createNote('Draft');
    const { note: renamed } = await renameNote(note.id, 'Taken', note.content, note.hash);
    expect(renamed.path).toBe('Taken 2.md');
    const { note: tagged } = await setTags(note.id, ['a', 'b'], renamed.content, renamed.hash);
    expect(tagged.tags).toEqual(['a', 'b']);
    expect(tagged.content).toContain('title: Taken');
  });

  it('trashes, restores and empties the trash', async () => {
    const note = await createNote('Temp');
    await trashNote(note.id);
    expect((await getNote(note.id))?.deletedAt).toBeGreaterThan(0);
    expect(await findByLinkTarget('Temp')).toBeUndefined();
    await restoreNote(note.id);
    expect((await findByLinkTarget('temp'))?.id).toBe(note.id);
    await trashNote(note.id);
    expect(await emptyTrash()).toBe(1);
    expect(await getNote(note.id)).toBeUndefined();
    expect(await getDb().bodies.count()).toBe(0);
  });

  it('deletes a note for good at once, with its text and drafts (the full-disk way out)', async () => {
    const note = await createNote('Huge');
    const other = await createNote('Other');
    await getDb().drafts.put({
      id: `${note.id}|tab`,
      noteId: note.id,
      tabId: 'tab',
      content: 'x',
      baseHash: note.hash,
      at: 1,
    });
    await deleteForGood(note.id);
    expect(await getNote(note.id)).toBeUndefined();
    expect(await getDb().bodies.count()).toBe(1);
    expect(await getDb().drafts.count()).toBe(0);
    expect((await getNote(other.id))?.title).toBe('Other');
  });

  it('opens the same journal entry for a day instead of duplicating it', async () => {
    const first = await openOrCreateJournal('2026-11-26');
    const again = await openOrCreateJournal('2026-11-26');
    expect(again.id).toBe(first.id);
    expect(first).toMatchObject({
      kind: 'journal',
      date: '2026-11-26',
      path: 'journal/2026-11-26.md',
    });
    await trashNote(first.id);
    const restored = await openOrCreateJournal('2026-11-26');
    expect(restored.id).toBe(first.id);
    expect((await getNote(first.id))?.deletedAt).toBe(0);
  });

  it('resolves wikilinks by title, then by file name', async () => {
    const note = await createNote('Alpha');
    await saveContent(note.id, '# Alpha heading only');
    expect((await findByLinkTarget('Alpha'))?.id).toBe(note.id);
    expect((await findByLinkTarget('alpha.md'))?.id).toBe(note.id);
    expect(await findByLinkTarget('Beta')).toBeUndefined();
  });

  it('does not bring a note back from the trash when a save races the trash', async () => {
    const note = await createNote('Racing');
    await Promise.all([saveContent(note.id, 'typed'), trashNote(note.id)]);
    const after = await getNote(note.id);
    expect(after?.deletedAt).toBeGreaterThan(0);
    expect(after?.content).toBe('typed');
  });

  it('keeps the file extension on rename and never moves an imported file', async () => {
    const note = await createNote('Plain');
    await getDb().notes.update(note.id, { path: 'Plain.txt' });
    const { note: renamed } = await renameNote(note.id, 'Renamed', note.content, note.hash);
    expect(renamed.path).toBe('Renamed.txt');
    await getDb().notes.update(note.id, { importedHash: 'from-a-folder' });
    const { note: imported } = await renameNote(
      note.id,
      'New title',
      renamed.content,
      renamed.hash,
    );
    expect(imported).toMatchObject({ path: 'Renamed.txt', title: 'New title' });
  });
});
