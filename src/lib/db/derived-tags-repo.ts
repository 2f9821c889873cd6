// Reads and writes for re-deriving stored notes' tags when the rules change (inline #tags joined
// the frontmatter's): notes in pages by id with their text, a tags-only update that touches
// neither text nor `updatedAt` (lists keep their order), and a marker in `meta` saying which
// rules the stored tags follow. The rules themselves live in the vault layer.
import { getDb } from './db';
import { guardQuota } from './quota';

const MARKER_KEY = 'derived-tags-version';

export interface TagSource {
  id: string;
  path: string;
  hash: string;
  tags: string[];
  content: string;
}

export async function derivedTagsVersion(): Promise<number> {
  const record = await getDb().meta.get(MARKER_KEY);
  return typeof record?.value === 'number' ? record.value : 0;
}

export async function setDerivedTagsVersion(version: number): Promise<void> {
  await guardQuota('the tag index', () =>
    getDb().meta.put({ key: MARKER_KEY, value: version, updatedAt: Date.now() }),
  );
}

/** Up to `limit` notes (live or trashed) with ids after `afterId`, in id order, with their text. */
export async function readTagSources(afterId: string, limit: number): Promise<TagSource[]> {
  const db = getDb();
  return db.transaction('r', db.notes, db.bodies, async () => {
    const notes = await db.notes.where(':id').above(afterId).limit(limit).toArray();
    const bodies = await db.bodies.bulkGet(notes.map((n) => n.id));
    return notes.map((n, i) => ({
      id: n.id,
      path: n.path,
      hash: n.hash,
      tags: n.tags,
      content: bodies[i]?.content ?? '',
    }));
  });
}

/**
 * Sets each note's tags, unless its text changed since it was read (`hash`): that save derived
 * its tags already. Returns the ids written.
 */
export async function writeDerivedTags(
  updates: readonly { id: string; hash: string; tags: string[] }[],
): Promise<string[]> {
  if (updates.length === 0) return [];
  const db = getDb();
  return guardQuota('the tag index', () =>
    db.transaction('rw', db.notes, async () => {
      const written: string[] = [];
      const current = await db.notes.bulkGet(updates.map((u) => u.id));
      for (const [i, update] of updates.entries()) {
        if (current[i]?.hash !== update.hash) continue;
        await db.notes.update(update.id, { tags: update.tags });
        written.push(update.id);
      }
      return written;
    }),
  );
}
