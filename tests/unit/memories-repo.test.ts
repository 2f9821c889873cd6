import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  InvalidMemoryError,
  addMemory,
  editMemory,
  forgetConversationMemories,
  forgetMemory,
  getMemory,
  listMemories,
  maxMemoryChars,
  onMemoriesChanged,
  searchMemories,
  type MemoriesChange,
  type MemorySource,
} from '../../src/lib/db/memories-repo';
import { getDb } from '../../src/lib/db/db';
import { StorageFullError } from '../../src/lib/errors';

const manual: MemorySource = { kind: 'manual' };
const fromChat = (conversationId: string, messageId = 'm1'): MemorySource => ({
  kind: 'message',
  conversationId,
  messageId,
});
/** A write the browser refuses for lack of space. */
const quota = new DOMException('quota', 'QuotaExceededError');

beforeEach(async () => {
  await getDb().memories.clear();
});

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('memories repository', () => {
  it('adds a trimmed memory with its source and times, and reads it back', async () => {
    vi.useFakeTimers({ now: 1_000, toFake: ['Date'] });
    const source: MemorySource = { kind: 'note', noteId: 'n1' };
    const memory = await addMemory('  The user is vegetarian.\n', source);
    expect(memory).toMatchObject({
      text: 'The user is vegetarian.',
      source,
      createdAt: 1_000,
      updatedAt: 1_000,
    });
    expect(await getMemory(memory.id)).toEqual(memory);
    const other = await addMemory('The user has a cat.', fromChat('c1', 'msg-9'));
    expect((await getMemory(other.id))?.source).toEqual(fromChat('c1', 'msg-9'));
  });

  it('refuses empty and over-long text with a typed error, counting characters not code units', async () => {
    for (const text of ['', '   ', '\n\t'])
      await expect(addMemory(text, manual)).rejects.toMatchObject({
        name: 'InvalidMemoryError',
        reason: 'empty',
      });
    await expect(addMemory('x'.repeat(maxMemoryChars + 1), manual)).rejects.toBeInstanceOf(
      InvalidMemoryError,
    );
    await expect(addMemory('x'.repeat(maxMemoryChars + 1), manual)).rejects.toMatchObject({
      reason: 'too-long',
    });
    // 500 emoji are 1,000 UTF-16 code units, and still 500 characters.
    expect((await addMemory('😀'.repeat(maxMemoryChars), manual)).text).toHaveLength(1_000);
    expect(await addMemory(' a ', manual)).toMatchObject({ text: 'a' });
    expect(await listMemories()).toHaveLength(2);
  });

  it('lists the most recently changed first', async () => {
    vi.useFakeTimers({ now: 1_000, toFake: ['Date'] });
    const a = await addMemory('alpha', manual);
    vi.setSystemTime(2_000);
    await addMemory('beta', manual);
    vi.setSystemTime(3_000);
    await editMemory(a.id, 'alpha, edited', a.updatedAt);
    expect((await listMemories()).map((m) => m.text)).toEqual(['alpha, edited', 'beta']);
  });

  it('edits against the version it was based on, and never overwrites blindly', async () => {
    vi.useFakeTimers({ now: 5_000, toFake: ['Date'] });
    const m = await addMemory('The user lives in Porto.', manual);
    // Two editors opened the same version; both save within the same millisecond.
    const first = await editMemory(m.id, 'The user lives in Lisbon.', m.updatedAt);
    const second = await editMemory(m.id, 'The user lives in Braga.', m.updatedAt);
    expect(first.status).toBe('saved');
    expect(second).toEqual({
      status: 'stale',
      current: { ...m, text: 'The user lives in Lisbon.', updatedAt: 5_001 },
    });
    expect((await getMemory(m.id))?.text).toBe('The user lives in Lisbon.');
    // Based on the current version, the edit goes through.
    const third = await editMemory(m.id, ' The user lives in Braga. ', 5_001);
    expect(third.status === 'saved' && third.memory).toMatchObject({
      text: 'The user lives in Braga.',
      createdAt: 5_000,
      updatedAt: 5_002,
      source: manual,
    });
  });

  it('reports an edit of a forgotten memory, and validates edited text', async () => {
    const m = await addMemory('The user is tall.', manual);
    await expect(editMemory(m.id, '  ', m.updatedAt)).rejects.toBeInstanceOf(InvalidMemoryError);
    expect((await getMemory(m.id))?.text).toBe('The user is tall.');
    await forgetMemory(m.id);
    expect(await editMemory(m.id, 'The user is short.', m.updatedAt)).toEqual({
      status: 'missing',
    });
    expect(await listMemories()).toEqual([]);
  });

  it('searches text ignoring case and diacritics', async () => {
    await addMemory('The user loves the Café Ümlaut in São Paulo.', manual);
    await addMemory('The user ÉCRIT des notes en été.', manual);
    await addMemory('The user drinks tea.', manual);
    const find = async (q: string) => (await searchMemories(q)).map((m) => m.text).sort();
    expect(await find('cafe umlaut')).toEqual(['The user loves the Café Ümlaut in São Paulo.']);
    expect(await find('SAO')).toEqual(['The user loves the Café Ümlaut in São Paulo.']);
    expect(await find('écrit')).toEqual(['The user ÉCRIT des notes en été.']);
    expect(await find('ete')).toEqual(['The user ÉCRIT des notes en été.']);
    expect(await find('THE USER')).toHaveLength(3);
    expect(await find('  ')).toHaveLength(3);
    expect(await find('coffee')).toEqual([]);
  });

  it('forgets one memory, and says when it was already gone', async () => {
    const a = await addMemory('alpha', manual);
    const b = await addMemory('beta', manual);
    expect(await forgetMemory(a.id)).toBe(true);
    expect(await forgetMemory(a.id)).toBe(false);
    expect(await getMemory(a.id)).toBeUndefined();
    expect((await listMemories()).map((m) => m.id)).toEqual([b.id]);
  });

  it('forgets every memory of one conversation and nothing else', async () => {
    await addMemory('one', fromChat('c1', 'a'));
    await addMemory('two', fromChat('c1', 'b'));
    await addMemory('other chat', fromChat('c2'));
    await addMemory('a note', { kind: 'note', noteId: 'c1' });
    await addMemory('typed', manual);
    expect(await forgetConversationMemories('c1')).toBe(2);
    expect(await forgetConversationMemories('c1')).toBe(0);
    expect((await listMemories()).map((m) => m.text).sort()).toEqual([
      'a note',
      'other chat',
      'typed',
    ]);
    const texts = (await getDb().memories.toArray()).map((r) => r.text);
    expect(texts).not.toContain('one');
    expect(texts).not.toContain('two');
  });

  it('reads a row stored without a source as typed by the user', async () => {
    await getDb().memories.add({ id: 'old', text: 'legacy', createdAt: 1, updatedAt: 1 });
    expect(await getMemory('old')).toEqual({
      id: 'old',
      text: 'legacy',
      createdAt: 1,
      updatedAt: 1,
      source: manual,
    });
    expect(await forgetConversationMemories('anything')).toBe(0);
  });

  it('tells listeners of committed changes only', async () => {
    const changes: MemoriesChange[] = [];
    const stop = onMemoriesChanged((c) => changes.push(c));
    const m = await addMemory('alpha', fromChat('c1'));
    await editMemory(m.id, 'alpha', m.updatedAt); // same text: nothing written
    const saved = await editMemory(m.id, 'alpha 2', m.updatedAt);
    await editMemory(m.id, 'stale', m.updatedAt);
    await forgetMemory('nope');
    await addMemory('beta', fromChat('c1'));
    await forgetConversationMemories('c1');
    await forgetConversationMemories('c1');
    stop();
    await addMemory('unheard', manual);
    expect(saved.status).toBe('saved');
    expect(changes.map((c) => [c.kind, c.ids.length])).toEqual([
      ['added', 1],
      ['edited', 1],
      ['added', 1],
      ['forgotten', 2],
    ]);
    expect(changes[1]!.ids).toEqual([m.id]);
  });

  it('turns a full disk into StorageFullError and keeps what was stored', async () => {
    const m = await addMemory('The user is tall.', manual);
    const changes: MemoriesChange[] = [];
    const stop = onMemoriesChanged((c) => changes.push(c));
    const table = getDb().memories;
    vi.spyOn(table, 'add').mockRejectedValue(quota);
    vi.spyOn(table, 'put').mockRejectedValue(quota);
    try {
      await expect(addMemory('The user is short.', manual)).rejects.toBeInstanceOf(
        StorageFullError,
      );
      await expect(editMemory(m.id, 'The user is short.', m.updatedAt)).rejects.toThrow(
        /storage for Hearth is full/,
      );
    } finally {
      stop();
    }
    vi.restoreAllMocks();
    expect(await listMemories()).toEqual([m]);
    expect(changes).toEqual([]);
  });
});
