import { beforeEach, describe, expect, it, vi } from 'vitest';
import {
  appendMessage,
  createConversation,
  deleteConversation,
  getConversation,
  listConversations,
  listMessages,
  observeConversations,
  restoreConversation,
  saveNewVersion,
  showVersion,
  updateConversation,
  updateMessage,
} from '../../src/lib/db/conversations-repo';
import { getDb } from '../../src/lib/db/db';
import type { ConversationRecord } from '../../src/lib/db/chat-records';

beforeEach(async () => {
  const db = getDb();
  await Promise.all([db.conversations.clear(), db.messages.clear()]);
});

const say = (conversationId: string, content: string, role: 'user' | 'assistant' = 'user') =>
  appendMessage({ conversationId, role, content });

describe('conversations repository', () => {
  it('lists conversations by latest activity, newest first', async () => {
    const a = await createConversation('Alpha');
    const b = await createConversation('Beta');
    await new Promise((resolve) => setTimeout(resolve, 5));
    await say(a.id, 'bump');
    expect((await listConversations()).map((c) => c.title)).toEqual(['Alpha', 'Beta']);
    expect((await getConversation(b.id))?.systemPrompt).toBe('');
  });

  it('searches titles by substring, ignoring case', async () => {
    await createConversation('Trip to Lisbon');
    await createConversation('Rust lifetimes');
    await createConversation('lisbon restaurants');
    const found = await listConversations('LISBON');
    expect(found.map((c) => c.title).sort()).toEqual(['Trip to Lisbon', 'lisbon restaurants']);
    expect(await listConversations('  ')).toHaveLength(3);
  });

  it('renames and stores a system prompt; an empty title becomes a placeholder', async () => {
    const c = await createConversation();
    await updateConversation(c.id, { title: '  Plans  ', systemPrompt: 'Be brief.' });
    expect(await getConversation(c.id)).toMatchObject({
      title: 'Plans',
      systemPrompt: 'Be brief.',
    });
    await updateConversation(c.id, { title: ' ' });
    expect((await getConversation(c.id))?.title).toBe('Untitled chat');
    await expect(updateConversation('missing', { title: 'x' })).rejects.toThrow(/no longer exists/);
  });

  it('keeps messages in the order they were added, even within one millisecond', async () => {
    const c = await createConversation();
    for (let i = 0; i < 20; i++) await say(c.id, `m${i}`, i % 2 ? 'assistant' : 'user');
    const other = await createConversation();
    await say(other.id, 'elsewhere');
    const messages = await listMessages(c.id);
    expect(messages.map((m) => m.content)).toEqual(Array.from({ length: 20 }, (_, i) => `m${i}`));
    const times = messages.map((m) => m.createdAt);
    expect(new Set(times).size).toBe(20);
  });

  it('updates content, status and stats of a message', async () => {
    const c = await createConversation();
    const m = await say(c.id, '', 'assistant');
    const stats = {
      promptTokens: 5,
      completionTokens: 10,
      firstTokenMs: 30,
      prefillTokensPerS: 100,
      decodeTokensPerS: 12.5,
      totalMs: 900,
      finishReason: 'stop' as const,
    };
    await updateMessage(m.id, { content: 'Hello', status: 'done', stats, modelKey: 'k' });
    expect((await listMessages(c.id))[0]).toMatchObject({
      content: 'Hello',
      status: 'done',
      stats,
    });
  });

  it('keeps every version of a message with what followed it, and flips between them', async () => {
    const c = await createConversation();
    const q1 = await say(c.id, 'q1');
    const a1 = await say(c.id, 'a1', 'assistant');
    const q2 = await say(c.id, 'q2');
    const a2 = await say(c.id, 'a2', 'assistant');
    const other = await createConversation();
    await say(other.id, 'untouched');
    await updateMessage(a1.id, { status: 'done', modelKey: 'm1', stats: undefined });

    // Regenerating the first answer sets it aside with the two messages that followed it.
    const regenerated = await saveNewVersion(a1.id, { content: 'a1 again', status: 'streaming' });
    expect(regenerated).toMatchObject({
      content: 'a1 again',
      status: 'streaming',
      versionIndex: 1,
    });
    expect(regenerated.modelKey).toBeUndefined();
    expect((await listMessages(c.id)).map((m) => m.content)).toEqual(['q1', 'a1 again']);
    await updateMessage(a1.id, { content: 'a1 again, done', status: 'done' });

    await showVersion(a1.id, 0);
    let shown = await listMessages(c.id);
    expect(shown.map((m) => m.content)).toEqual(['q1', 'a1', 'q2', 'a2']);
    expect(shown.map((m) => m.id)).toEqual([q1.id, a1.id, q2.id, a2.id]);
    expect(shown[1]).toMatchObject({ status: 'done', modelKey: 'm1', versionIndex: 0 });

    await showVersion(a1.id, 1);
    shown = await listMessages(c.id);
    expect(shown.map((m) => m.content)).toEqual(['q1', 'a1 again, done']);
    expect(shown[1]?.modelKey).toBeUndefined();
    expect(shown[1]?.versions?.map((v) => v.content)).toEqual(['a1', 'a1 again, done']);

    // Editing a question is the same move; an answer's versions travel inside the tail.
    await saveNewVersion(q1.id, { content: 'q1 edited' });
    expect((await listMessages(c.id)).map((m) => m.content)).toEqual(['q1 edited']);
    await showVersion(q1.id, 0);
    shown = await listMessages(c.id);
    expect(shown.map((m) => m.content)).toEqual(['q1', 'a1 again, done']);
    expect(shown[1]?.versions).toHaveLength(2);
    await showVersion(a1.id, 0);
    expect((await listMessages(c.id)).map((m) => m.content)).toEqual(['q1', 'a1', 'q2', 'a2']);

    expect(await listMessages(other.id)).toHaveLength(1);
    await expect(saveNewVersion('missing', { content: 'x' })).rejects.toThrow(/no longer exists/);
  });

  it('deletes a conversation with its messages, and an undo puts both back', async () => {
    const c = await createConversation('Doomed');
    await say(c.id, 'one');
    await say(c.id, 'two', 'assistant');
    const deleted = await deleteConversation(c.id);
    expect(deleted?.messages).toHaveLength(2);
    expect(await getConversation(c.id)).toBeUndefined();
    expect(await getDb().messages.count()).toBe(0);
    expect(await deleteConversation(c.id)).toBeUndefined();
    await restoreConversation(deleted!);
    expect((await getConversation(c.id))?.title).toBe('Doomed');
    expect((await listMessages(c.id)).map((m) => m.content)).toEqual(['one', 'two']);
  });

  it('observes the filtered list live', async () => {
    const seen: ConversationRecord[][] = [];
    const stop = observeConversations(
      'note',
      (rows) => seen.push(rows),
      (e) => {
        throw e;
      },
    );
    await createConversation('Notes about cats');
    await createConversation('Dogs');
    // liveQuery delivers when it likes (a fixed 50 ms wait failed on a loaded CI machine).
    await vi.waitFor(() => expect(seen.at(-1)?.map((c) => c.title)).toEqual(['Notes about cats']), {
      timeout: 10_000,
    });
    stop();
  });
});
