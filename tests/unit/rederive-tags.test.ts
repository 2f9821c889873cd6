// Notes stored before inline #tags counted get them once, at start: tags only, text and
// updatedAt untouched, changes announced, and a note saved meanwhile is left to its own save.
import { beforeEach, describe, expect, it } from 'vitest';
import { getDb } from '../../src/lib/db/db';
import { wipeVault } from '../../src/lib/vault/notes';
import { buildNote } from '../../src/lib/vault/note-record';
import { splitRecord } from '../../src/lib/db/note-rows';
import { rederiveTags, tagRulesVersion } from '../../src/lib/vault/rederive-tags';
import {
  derivedTagsVersion,
  readTagSources,
  writeDerivedTags,
} from '../../src/lib/db/derived-tags-repo';
import { onVaultChange, type VaultChange } from '../../src/lib/vault/changes';

/** Stores a note as an older version of Hearth did: tags from the frontmatter only. */
async function storeOld(path: string, content: string, oldTags: string[]): Promise<string> {
  const record = await buildNote(path, content, 1_000);
  const { note, body } = splitRecord({ ...record, tags: oldTags });
  await getDb().notes.put(note);
  await getDb().bodies.put(body);
  return record.id;
}

beforeEach(async () => {
  await wipeVault();
});

describe('re-deriving stored tags', () => {
  it('adds inline tags to notes stored before they counted, once', async () => {
    const a = await storeOld('a.md', '---\ntags: [work]\n---\nA #idea and #home/garden', ['work']);
    const b = await storeOld('b.md', 'No tags here.', []);
    const many = await Promise.all(
      Array.from({ length: 450 }, (_, i) => storeOld(`n/${i}.md`, `Note ${i} #bulk`, [])),
    );
    const changes: VaultChange[] = [];
    const stop = onVaultChange((c) => changes.push(c));
    expect(await rederiveTags()).toBe(451);
    stop();

    const stored = await getDb().notes.get(a);
    expect(stored?.tags).toEqual(['work', 'idea', 'home/garden']);
    expect(stored?.updatedAt).toBe(1_000);
    expect((await getDb().bodies.get(a))?.content).toContain('#idea');
    expect((await getDb().notes.get(b))?.tags).toEqual([]);
    expect((await getDb().notes.get(many[449]!))?.tags).toEqual(['bulk']);
    // Announced in pages, each id once, so search re-indexes exactly those.
    const ids = changes.flatMap((c) => (c.type === 'notes-changed' ? c.ids : []));
    expect(new Set(ids).size).toBe(451);
    expect(ids).not.toContain(b);
    expect(changes.length).toBeGreaterThan(1);

    expect(await derivedTagsVersion()).toBe(tagRulesVersion);
    await storeOld('late.md', '#later', []);
    expect(await rederiveTags()).toBe(0);
  });

  it('leaves a note alone when its text changed after it was read', async () => {
    const id = await storeOld('c.md', 'Old #one', []);
    const [source] = await readTagSources('', 10);
    await getDb().notes.update(id, { hash: 'saved-meanwhile', tags: ['two'] });
    expect(await writeDerivedTags([{ id, hash: source!.hash, tags: ['one'] }])).toEqual([]);
    expect((await getDb().notes.get(id))?.tags).toEqual(['two']);
  });
});
