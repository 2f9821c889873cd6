// ChatGPT and Claude history brought home, from hand-written fixtures of their export formats:
// the branch the user last saw is the conversation, other branches are versions, and what is left
// out (images, tool calls, hidden system messages) is counted and marked.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { zipSync, strToU8 } from 'fflate';
import { readHistory, HistoryFormatError } from '../../src/lib/history/history-import';
import { threadOf } from '../../src/lib/history/history-tree';
import { withVersion } from '../../src/lib/db/message-versions';

const fixture = (name: string) => new Blob([readFileSync(`tests/fixtures/history/${name}`)]);

describe('ChatGPT history', () => {
  it('keeps the seen branch, the other branches as versions, and counts what it left out', async () => {
    const history = await readHistory(fixture('chatgpt-conversations.json'));
    expect(history.source).toBe('chatgpt');
    expect(history.conversations.map((c) => c.title)).toEqual([
      'Sourdough starter',
      'Trip to Kyoto',
    ]);
    expect(history.counts).toMatchObject({
      conversations: 2,
      skippedConversations: 1,
      images: 1,
      toolMessages: 2,
      systemMessages: 1,
    });

    const sourdough = history.messages.filter(
      (m) => m.conversationId === history.conversations[0]!.id,
    );
    expect(sourdough.map((m) => [m.role, m.content])).toEqual([
      [
        'user',
        'My starter smells like acetone. Photo attached:\n[An image or file was here; it was not imported.]',
      ],
      ['assistant', 'It is hungry: feed it twice a day, 1:1:1.'],
    ]);
    expect(sourdough[0]!.createdAt).toBe(1764000010000);

    const kyoto = history.messages.filter(
      (m) => m.conversationId === 'chatgpt:6750a1b2-0000-4000-8000-00000000000b',
    );
    // The seen branch: the edited question (Osaka) and its first regeneration, not the newest.
    expect(kyoto.map((m) => m.content)).toEqual([
      'Plan 3 days in Kyoto.',
      'Day 1: Fushimi Inari. Day 2: Arashiyama. Day 3: Gion.',
      'Add a day trip to Osaka instead.',
      'Swap day 3 for Osaka: Dotonbori and the castle.',
    ]);
    const question = kyoto[2]!;
    expect(question.versionIndex).toBe(1);
    expect(question.versions?.map((v) => v.content)).toEqual([
      'Add a day trip to Nara.',
      'Add a day trip to Osaka instead.',
    ]);
    // The message sits where the fork is, so any version's followers list after it.
    expect(question.createdAt).toBe(1764100100000);
    expect(question.createdAt).toBeLessThan(1764100110000);
    // Flipping to the first version brings back the answer that followed it there.
    const flipped = withVersion(question, [kyoto[3]!], 0);
    expect(flipped.message.content).toBe('Add a day trip to Nara.');
    expect(flipped.tail.map((m) => m.content)).toEqual([
      'Swap day 3 for Nara: deer park and Todai-ji.',
    ]);
    const answer = kyoto[3]!;
    expect(answer.versions?.map((v) => v.content)).toEqual([
      'Swap day 3 for Osaka: Dotonbori and the castle.',
      'Osaka on day 3: street food in Dotonbori.',
    ]);
    expect(answer.versionIndex).toBe(0);
  });

  it('keeps the first of a conversation listed twice', async () => {
    const list = JSON.parse(
      readFileSync('tests/fixtures/history/chatgpt-conversations.json', 'utf8'),
    ) as unknown[];
    const history = await readHistory(new Blob([JSON.stringify([list[1], list[1]])]));
    expect(history.conversations).toHaveLength(1);
    expect(history.counts.skippedConversations).toBe(1);
  });

  it('reads the zip ChatGPT sends, and refuses what is no export', async () => {
    const zip = zipSync({
      'chat.html': strToU8('<html></html>'),
      'conversations.json': new Uint8Array(
        readFileSync('tests/fixtures/history/chatgpt-conversations.json'),
      ),
    });
    expect((await readHistory(new Blob([zip]))).conversations).toHaveLength(2);
    await expect(readHistory(new Blob(['{"hello": 1}']))).rejects.toBeInstanceOf(
      HistoryFormatError,
    );
    await expect(readHistory(new Blob(['not json']))).rejects.toThrow(/does not parse/);
    await expect(readHistory(new Blob([zipSync({ 'x.txt': strToU8('x') })]))).rejects.toThrow(
      /no conversations\.json/,
    );
  });
});

describe('Claude history', () => {
  it('keeps text blocks, extracted file text as attachments, and the current leaf of branches', async () => {
    const history = await readHistory(fixture('claude-conversations.json'));
    expect(history.source).toBe('claude');
    expect(history.counts).toMatchObject({
      conversations: 2,
      attachments: 1,
      images: 1,
      toolMessages: 2,
    });
    const [labs, haiku] = history.conversations;
    const labMessages = history.messages.filter((m) => m.conversationId === labs!.id);
    expect(labMessages.map((m) => m.content)).toEqual([
      'What does a ferritin of 18 mean?',
      'It is below the usual range (30-400): ask your doctor about iron.',
    ]);
    expect(history.chatDocuments[0]).toMatchObject({
      conversationId: labs!.id,
      path: 'labs-2026-11.txt',
      text: 'Ferritin 18 ng/mL (ref 30-400)\nHb 12.9 g/dL',
    });
    expect(labs!.createdAt).toBe(Date.parse('2026-11-20T09:00:00Z'));
    // Cut into pieces like a file attached here, so it is found per question.
    expect(history.chatChunks.map((c) => c.docId)).toEqual([history.chatDocuments[0]!.id]);
    expect(history.chatChunks[0]).toMatchObject({ start: 0, seq: 0 });
    const poems = history.messages.filter((m) => m.conversationId === haiku!.id);
    expect(poems).toHaveLength(2);
    expect(poems[1]!.content).toMatch(/^Soft rain/);
    expect(poems[1]!.versions?.map((v) => v.content.slice(0, 10))).toEqual([
      'Soft rain ',
      'Grey morni',
    ]);
    expect(poems[1]!.versionIndex).toBe(0);
  });
});

describe('threadOf', () => {
  it('ends on a cycle of parents (a hostile file; those nodes hang from nothing) and keeps a node whose parent is missing', () => {
    const messages = threadOf({
      id: 'x',
      title: 't',
      createdAt: 0,
      updatedAt: 0,
      leaf: 'b',
      nodes: [
        { id: 'a', parent: 'b', role: 'user', content: 'A', createdAt: 1 },
        { id: 'b', parent: 'a', role: 'assistant', content: 'B', createdAt: 2 },
        { id: 'c', parent: 'gone', role: 'user', content: 'C', createdAt: 3 },
      ],
    });
    expect(messages.map((m) => m.content)).toEqual(['C']);
  });
});
