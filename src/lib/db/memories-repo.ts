// Long-term memories: short statements about the user, each with where it came from, which the
// user can list, search, edit and forget. An edit names the version it was based on and is refused
// inside the same transaction when the stored memory has moved on, so no edit is ever blind.
// An edit overwrites (no earlier text is kept), and an edit or a forget deletes the memory's
// embedding in the same transaction: forgotten text is left in no row. Listeners hear of every
// change after it is committed (the Memory view and the vector sync follow them).
import { getDb, type MemoryRecord, type MemorySource } from './db';
import { scrubMessage } from './memory-scrub';
import { guardQuota } from './quota';
import { HearthError } from '../errors';

export type { MemorySource };

export interface Memory extends MemoryRecord {
  source: MemorySource;
}

export const maxMemoryChars = 500;

/** The text of a memory is empty or longer than `maxMemoryChars`; `message` says which. */
export class InvalidMemoryError extends HearthError {
  override name = 'InvalidMemoryError';
  constructor(readonly reason: 'empty' | 'too-long') {
    super(
      reason === 'empty'
        ? 'A memory needs some text.'
        : `A memory can be at most ${maxMemoryChars} characters long.`,
    );
  }
}

export type MemoriesChange = { kind: 'added' | 'edited' | 'forgotten'; ids: string[] };
type Listener = (change: MemoriesChange) => void;
const listeners = new Set<Listener>();

/** Calls `listener` after every committed change to memories in this window or worker. */
export function onMemoriesChanged(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function announce(change: MemoriesChange): void {
  if (change.ids.length === 0) return;
  for (const listener of listeners) {
    try {
      listener(change);
    } catch (error) {
      // The write is done; a failing listener must surface without undoing or hiding it.
      queueMicrotask(() => {
        throw error;
      });
    }
  }
}

function checkedText(text: string): string {
  const clean = text.normalize('NFC').trim();
  if (clean === '') throw new InvalidMemoryError('empty');
  if ([...clean].length > maxMemoryChars) throw new InvalidMemoryError('too-long');
  return clean;
}

/** Rows written before memories had a source (none are known) read as typed by the user. */
function toMemory(row: MemoryRecord): Memory {
  return { ...row, source: (row as Partial<Memory>).source ?? { kind: 'manual' } };
}

/** Folds case and diacritics, so `cafe` finds `Café` and `ÉTÉ` finds `été`. */
const fold = (text: string) => text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();

export async function addMemory(text: string, source: MemorySource): Promise<Memory> {
  const now = Date.now();
  const memory: Memory = {
    id: crypto.randomUUID(),
    text: checkedText(text),
    source,
    createdAt: now,
    updatedAt: now,
  };
  await guardQuota('the memory', () => getDb().memories.add(memory));
  announce({ kind: 'added', ids: [memory.id] });
  return memory;
}

/**
 * Inside a transaction on messages: takes the memories' text out of every answer given them (see
 * memory-scrub.ts). A scan of the messages: forgetting is rare, and answers are not indexed by
 * the memories they used.
 */
async function scrubAnswers(gone: ReadonlyMap<string, string>): Promise<void> {
  if (gone.size === 0) return;
  await getDb()
    .messages.toCollection()
    .modify((row) => {
      scrubMessage(row, gone);
    });
}

/** `stale`: the memory changed since `basedOnUpdatedAt` (here is what it is now); `missing`: forgotten. */
export type EditResult =
  | { status: 'saved'; memory: Memory }
  | { status: 'stale'; current: Memory }
  | { status: 'missing' };

export async function editMemory(
  id: string,
  text: string,
  basedOnUpdatedAt: number,
): Promise<EditResult> {
  const clean = checkedText(text);
  const db = getDb();
  let wrote = false;
  const result = await guardQuota('the memory', () =>
    db.transaction(
      'rw',
      db.memories,
      db.memoryVectors,
      db.messages,
      async (): Promise<EditResult> => {
        const row = await db.memories.get(id);
        if (!row) return { status: 'missing' };
        const current = toMemory(row);
        if (current.updatedAt !== basedOnUpdatedAt) return { status: 'stale', current };
        if (current.text === clean) return { status: 'saved', memory: current };
        await scrubAnswers(new Map([[id, current.text]]));
        // Strictly later, so an edit based on the old version is refused even in the same ms.
        const memory = {
          ...current,
          text: clean,
          updatedAt: Math.max(Date.now(), current.updatedAt + 1),
        };
        await db.memories.put(memory);
        await db.memoryVectors.delete(id);
        wrote = true;
        return { status: 'saved', memory };
      },
    ),
  );
  if (wrote) announce({ kind: 'edited', ids: [id] });
  return result;
}

export async function getMemory(id: string): Promise<Memory | undefined> {
  const row = await getDb().memories.get(id);
  return row && toMemory(row);
}

/** Most recently created or edited first. */
export async function listMemories(): Promise<Memory[]> {
  const rows = await getDb().memories.orderBy('updatedAt').reverse().toArray();
  return rows.map(toMemory);
}

/** Memories whose text contains `query`, ignoring case and diacritics; all of them for a blank query. */
export async function searchMemories(query: string): Promise<Memory[]> {
  const needle = fold(query.trim());
  const all = await listMemories();
  return needle ? all.filter((m) => fold(m.text).includes(needle)) : all;
}

/**
 * Puts back a memory just forgotten (Undo), as it was; false when one with its id exists. Its
 * embedding is made again later, like a new memory's.
 */
export async function restoreMemory(memory: Memory): Promise<boolean> {
  const db = getDb();
  const restored = await guardQuota('the memory', () =>
    db.transaction('rw', db.memories, async () => {
      if (await db.memories.get(memory.id)) return false;
      await db.memories.add({ ...memory, text: checkedText(memory.text) });
      return true;
    }),
  );
  if (restored) announce({ kind: 'added', ids: [memory.id] });
  return restored;
}

/** Forgets one memory and its embedding; false when it was already gone. */
export async function forgetMemory(id: string): Promise<boolean> {
  const db = getDb();
  const existed = await guardQuota('that the memory is forgotten', () =>
    db.transaction('rw', db.memories, db.memoryVectors, db.messages, async () => {
      await db.memoryVectors.delete(id);
      const row = await db.memories.get(id);
      if (!row) return false;
      await scrubAnswers(new Map([[id, row.text]]));
      await db.memories.delete(id);
      return true;
    }),
  );
  if (existed) announce({ kind: 'forgotten', ids: [id] });
  return existed;
}

/** Memories taken from `conversationId` (any of its messages, or typed in it), newest first. */
export async function conversationMemories(conversationId: string): Promise<Memory[]> {
  const rows = await getDb()
    .memories.where('source.conversationId')
    .equals(conversationId)
    .toArray();
  return rows.map(toMemory).sort((a, b) => b.updatedAt - a.updatedAt);
}

/** Forgets every memory taken from `conversationId`, with their embeddings; returns how many. */
export async function forgetConversationMemories(conversationId: string): Promise<number> {
  const db = getDb();
  const ids = await guardQuota('that the memories are forgotten', () =>
    db.transaction('rw', db.memories, db.memoryVectors, db.messages, async () => {
      const rows = await db.memories
        .where('source.conversationId')
        .equals(conversationId)
        .toArray();
      const ids = rows.map((row) => row.id);
      await scrubAnswers(new Map(rows.map((row) => [row.id, row.text])));
      await db.memoryVectors.bulkDelete(ids);
      await db.memories.bulkDelete(ids);
      return ids;
    }),
  );
  announce({ kind: 'forgotten', ids });
  return ids.length;
}

/** Forgets every memory, with their embeddings and their copies in earlier answers; how many. */
export async function forgetAllMemories(): Promise<number> {
  const db = getDb();
  const ids = await guardQuota('that the memories are forgotten', () =>
    db.transaction('rw', db.memories, db.memoryVectors, db.messages, async () => {
      const rows = await db.memories.toArray();
      await scrubAnswers(new Map(rows.map((row) => [row.id, row.text])));
      await db.memoryVectors.clear();
      await db.memories.clear();
      return rows.map((row) => row.id);
    }),
  );
  announce({ kind: 'forgotten', ids });
  return ids.length;
}
