// Forgetting cascades: a forgotten or edited memory leaves no vector, no earlier text, and no
// row of its conversation's other memories when a whole chat is forgotten; vectors are only
// stored for text a memory still has. Rows from before sources (schema 4) are migrated.
import { beforeEach, describe, expect, it } from 'vitest';
// A database as schema 4 left it, made with Dexie directly: the app's own code only knows schema 5.
// eslint-disable-next-line no-restricted-imports
import Dexie from 'dexie';
import {
  addMemory,
  conversationMemories,
  editMemory,
  forgetConversationMemories,
  forgetMemory,
  getMemory,
  listMemories,
  restoreMemory,
  type MemorySource,
} from '../../src/lib/db/memories-repo';
import { memoryVectorsOf, saveMemoryVectors } from '../../src/lib/db/memory-vectors-repo';
import { getDb, HearthDb, type MemoryVectorRecord } from '../../src/lib/db/db';

const chat = (conversationId: string, messageId?: string): MemorySource => ({
  kind: 'message',
  conversationId,
  ...(messageId ? { messageId } : {}),
});

const vectorOf = (memory: { id: string; updatedAt: number }): MemoryVectorRecord => ({
  memoryId: memory.id,
  modelId: 'model-a',
  updatedAt: memory.updatedAt,
  q: Int8Array.of(1, 2, 3),
  scale: 0.01,
});

/** Every string anywhere in the database's memory tables. */
async function storedStrings(): Promise<string> {
  const db = getDb();
  return JSON.stringify([await db.memories.toArray(), await db.memoryVectors.toArray()]);
}

beforeEach(async () => {
  await getDb().memories.clear();
  await getDb().memoryVectors.clear();
});

describe('forgetting memories', () => {
  it('forgets a memory with its vector, in one go', async () => {
    const m = await addMemory('The user keeps bees.', chat('c1', 'm1'));
    expect(await saveMemoryVectors([vectorOf(m)])).toBe(1);
    expect(await memoryVectorsOf('model-a')).toHaveLength(1);
    expect(await forgetMemory(m.id)).toBe(true);
    expect(await memoryVectorsOf('model-a')).toEqual([]);
    expect(await storedStrings()).not.toContain('bees');
  });

  it('drops the old text and its vector on an edit, keeping no earlier version', async () => {
    const m = await addMemory('The user lives in Porto.', { kind: 'manual' });
    await saveMemoryVectors([vectorOf(m)]);
    const edited = await editMemory(m.id, 'The user lives in Lisbon.', m.updatedAt);
    expect(edited.status).toBe('saved');
    expect(await memoryVectorsOf('model-a')).toEqual([]);
    expect(await storedStrings()).not.toContain('Porto');
    expect(await storedStrings()).toContain('Lisbon');
  });

  it('never stores a vector for text the memory no longer has', async () => {
    const m = await addMemory('The user plays the oboe.', { kind: 'manual' });
    const gone = await addMemory('The user dislikes rain.', { kind: 'manual' });
    const stale = vectorOf(m);
    await editMemory(m.id, 'The user plays the cello.', m.updatedAt);
    await forgetMemory(gone.id);
    // Both were being embedded while they changed.
    expect(await saveMemoryVectors([stale, vectorOf(gone)])).toBe(0);
    expect(await getDb().memoryVectors.count()).toBe(0);
    const current = (await getMemory(m.id))!;
    expect(await saveMemoryVectors([vectorOf(current)])).toBe(1);
  });

  it('forgets every memory of one conversation, typed or from a message, and their vectors only', async () => {
    const a = await addMemory('The user has two cats.', chat('c1', 'm1'));
    const b = await addMemory('The user is learning Welsh.', chat('c1'));
    const other = await addMemory('The user runs marathons.', chat('c2', 'm9'));
    const note = await addMemory('The user writes haiku.', { kind: 'note', noteId: 'c1' });
    await saveMemoryVectors([a, b, other, note].map(vectorOf));
    expect((await conversationMemories('c1')).map((m) => m.id).sort()).toEqual([a.id, b.id].sort());
    expect(await forgetConversationMemories('c1')).toBe(2);
    expect((await listMemories()).map((m) => m.id).sort()).toEqual([other.id, note.id].sort());
    expect((await memoryVectorsOf('model-a')).map((v) => v.memoryId).sort()).toEqual(
      [other.id, note.id].sort(),
    );
    const left = await storedStrings();
    expect(left).not.toContain('cats');
    expect(left).not.toContain('Welsh');
  });

  it('puts a forgotten memory back as it was (Undo), once', async () => {
    const m = await addMemory('The user sings.', chat('c1', 'm1'));
    await forgetMemory(m.id);
    expect(await restoreMemory(m)).toBe(true);
    expect(await restoreMemory(m)).toBe(false);
    expect(await getMemory(m.id)).toEqual(m);
  });
});

describe('schema 5 migration', () => {
  it('gives memories stored before sources the source "manual"', async () => {
    const name = `migrate-${crypto.randomUUID()}`;
    const old = new Dexie(name);
    old.version(4).stores({ memories: 'id, updatedAt' });
    await old.table('memories').add({ id: 'm', text: 'old fact', createdAt: 1, updatedAt: 1 });
    old.close();
    const db = new HearthDb(name);
    expect(await db.memories.get('m')).toEqual({
      id: 'm',
      text: 'old fact',
      createdAt: 1,
      updatedAt: 1,
      source: { kind: 'manual' },
    });
    expect(await db.memoryVectors.count()).toBe(0);
    db.close();
  });
});

describe('answers given a memory', () => {
  it('keep no copy of its text once it is forgotten or rewritten, in any version', async () => {
    const kept = await addMemory('I keep three beehives', { kind: 'manual' });
    const other = await addMemory('My plot is number 42', { kind: 'manual' });
    const context = (ids: { id: string; text: string }[]) => ({
      request: [
        {
          role: 'system' as const,
          content: `What you have told me:\n${ids.map((m) => `- ${m.text}`).join('\n')}`,
        },
        { role: 'user' as const, content: 'What do I keep?' },
      ],
      grounded: false,
      sources: ids.map((m, i) => ({ kind: 'memory' as const, n: i + 1, ...m, source: 'typed' })),
      notices: [],
      dateLabel: null,
      parts: [],
      budget: 100,
      used: 10,
      exactCount: false,
      omitted: [],
    });
    const base = {
      conversationId: 'c1',
      role: 'assistant' as const,
      content: 'Bees.',
      createdAt: 1,
    };
    const both = [kept, other].map(({ id, text }) => ({ id, text }));
    await getDb().messages.put({
      ...base,
      id: 'm1',
      context: context(both),
      versions: [{ context: context(both), tail: [{ ...base, id: 'm2', context: context(both) }] }],
    } as never);

    await forgetMemory(kept.id);
    const after = JSON.stringify(await getDb().messages.toArray());
    expect(after).not.toContain('three beehives');
    expect(after).toContain('My plot is number 42');

    await editMemory(other.id, 'My plot is number 7', (await getMemory(other.id))!.updatedAt);
    expect(JSON.stringify(await getDb().messages.toArray())).not.toContain('number 42');
  });
});
