import { describe, expect, it } from 'vitest';
import { BodyCache } from '../../src/lib/search/body-cache';
import { createNote, saveContent, wipeVault } from '../fixtures/notes';
import { getDb } from '../../src/lib/db/db';
import { splitFrontmatter } from '../../src/lib/vault/frontmatter';

describe('BodyCache', () => {
  it('serves repeated reads from memory and drops a note when it changes', async () => {
    await wipeVault();
    const note = await createNote('Cached');
    const cache = new BodyCache();
    // Kept without frontmatter: snippets show the body.
    const body = splitFrontmatter(note.content).body;
    expect(note.content).toMatch(/^---\n/);
    expect((await cache.get([note.id])).get(note.id)).toBe(body);

    // Changed behind the cache's back (no announcement): the cached text is still served.
    await getDb().bodies.put({ id: note.id, content: 'silent change' });
    expect((await cache.get([note.id])).get(note.id)).toBe(body);

    // An announced change (every save announces) drops the entry.
    await saveContent(note.id, 'announced change');
    expect((await cache.get([note.id, 'missing-id'])).get(note.id)).toBe('announced change');
  });

  it('reads the whole vault in the background, then serves texts from memory', async () => {
    await wipeVault();
    const notes = [];
    for (let i = 0; i < 5; i++) notes.push(await createNote(`Scanned ${i}`));
    const cache = new BodyCache();
    expect(cache.status).toMatchObject({ notes: 0, warm: false });
    await cache.warm();
    expect(cache.status).toMatchObject({ notes: 5, warm: true });
    // Changed behind its back: the text read by the scan is served, no IndexedDB read.
    await getDb().bodies.put({ id: notes[3]!.id, content: 'silent change' });
    expect((await cache.get([notes[3]!.id])).get(notes[3]!.id)).toBe(
      splitFrontmatter(notes[3]!.content).body,
    );
  });

  it('keeps the text of a note just indexed', async () => {
    const cache = new BodyCache();
    cache.remember('indexed-id', 'Indexed body');
    expect((await cache.get(['indexed-id'])).get('indexed-id')).toBe('Indexed body');
  });
});
