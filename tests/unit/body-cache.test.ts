import { describe, expect, it } from 'vitest';
import { BodyCache } from '../../src/lib/search/body-cache';
import { createNote, saveContent, wipeVault } from '../../src/lib/db/notes-repo';
import { getDb } from '../../src/lib/db/db';

describe('BodyCache', () => {
  it('serves repeated reads from memory and drops a note when it changes', async () => {
    await wipeVault();
    const note = await createNote('Cached');
    const cache = new BodyCache();
    expect((await cache.get([note.id])).get(note.id)).toBe(note.content);

    // Changed behind the cache's back (no announcement): the cached text is still served.
    await getDb().bodies.put({ id: note.id, content: 'silent change' });
    expect((await cache.get([note.id])).get(note.id)).toBe(note.content);

    // An announced change (every save announces) drops the entry.
    await saveContent(note.id, 'announced change');
    expect((await cache.get([note.id, 'missing-id'])).get(note.id)).toBe('announced change');
  });
});
