// Storing attachments with their conversation: rows, text and pieces saved together, indexed by
// the embedding model when there is one, removed one by one or all with the conversation (and
// put back by its Undo); and how files are cut into pieces.
import { beforeEach, describe, expect, it } from 'vitest';
import {
  chunkDoc,
  chunkDocParts,
  maxChunkTokens,
} from '../../src/lib/attachments/attachment-chunks';
import type { ReadAttachment, ReadDoc } from '../../src/lib/attachments/attachment-types';
import { indexAttachment } from '../../src/lib/attachments/index-attachment';
import { lineChunks } from '../../src/lib/attachments/line-chunks';
import { storedAttachment } from '../../src/lib/attachments/stored-attachment';
import { utf8UpperBound } from '../../src/lib/assistant/token-count';
import {
  deleteConversationAttachments,
  listChatAttachments,
  removeChatAttachment,
  restoreConversationAttachments,
  saveChatAttachment,
} from '../../src/lib/db/chat-attachments-repo';
import { getDb } from '../../src/lib/db/db';
import type { EmbedResponse } from '../../src/lib/search/memory-types';

const doc = (path: string, text: string, format: ReadDoc['format'] = 'text'): ReadDoc => ({
  path,
  format,
  text,
  sizeBytes: text.length,
});
const read = (name: string, docs: ReadDoc[]): ReadAttachment => ({
  kind: 'folder',
  name,
  docs,
  refused: [{ path: `${name}/x.png`, reason: 'an image' }],
  refusedCount: 1,
  skippedCount: 2,
  sizeBytes: docs.reduce((s, d) => s + d.sizeBytes, 0),
});
const code = Array.from({ length: 400 }, (_, i) => `const value${i} = ${i}; // line ${i}`).join(
  '\n',
);

async function counts(): Promise<number[]> {
  const db = getDb();
  return Promise.all([
    db.chatAttachments.count(),
    db.chatAttachmentDocs.count(),
    db.chatAttachmentChunks.count(),
  ]);
}

/** A fake embedding model of 3 dimensions: each text's vector says how long it is. */
function fakeEmbed(modelId = 'fake-model'): {
  embed: (texts: string[]) => Promise<EmbedResponse>;
  calls: string[][];
} {
  const calls: string[][] = [];
  return {
    calls,
    embed: (texts) => {
      calls.push(texts);
      const vectors = new Float32Array(texts.length * 3);
      texts.forEach((t, i) => vectors.set([1, t.length / 1000, -0.5], i * 3));
      return Promise.resolve({ modelId, dimensions: 3, vectors });
    },
  };
}

beforeEach(async () => {
  const db = getDb();
  await Promise.all([
    db.chatAttachments.clear(),
    db.chatAttachmentDocs.clear(),
    db.chatAttachmentChunks.clear(),
  ]);
});

describe('chat attachments store', () => {
  it('saves an attachment with its text and pieces, listed oldest first', async () => {
    await saveChatAttachment(
      await storedAttachment('c1', read('later', [doc('later/a.txt', 'a')]), 'b', 2),
    );
    const first = await storedAttachment(
      'c1',
      read('repo', [doc('repo/main.ts', code, 'code')]),
      'a',
      1,
    );
    await saveChatAttachment(first);
    const rows = await listChatAttachments('c1');
    expect(rows.map((r) => r.name)).toEqual(['repo', 'later']);
    expect(rows[0]).toMatchObject({
      conversationId: 'c1',
      kind: 'folder',
      fileCount: 1,
      textChars: code.length,
      refusedCount: 1,
      skippedCount: 2,
      indexedBy: null,
    });
    expect(first.chunks.length).toBeGreaterThan(1);
    expect(await counts()).toEqual([2, 2, first.chunks.length + 1]);
  });

  it('deleting a conversation’s attachments removes every row of it, and only of it', async () => {
    const mine = await storedAttachment(
      'c1',
      read('repo', [doc('repo/main.ts', code, 'code')]),
      'a',
    );
    await saveChatAttachment(mine);
    await saveChatAttachment(
      await storedAttachment('c2', read('other', [doc('other/b.md', '# B', 'markdown')]), 'b'),
    );
    await indexAttachment('a', fakeEmbed().embed);
    const deleted = await deleteConversationAttachments('c1');
    expect(deleted.attachments.map((a) => a.id)).toEqual(['a']);
    expect(deleted.chunks.every((c) => c.vector?.modelId === 'fake-model')).toBe(true);
    const db = getDb();
    expect(await db.chatAttachments.toArray()).toMatchObject([{ id: 'b' }]);
    expect(await db.chatAttachmentDocs.where('conversationId').equals('c1').count()).toBe(0);
    expect(await db.chatAttachmentChunks.where('conversationId').equals('c1').count()).toBe(0);
    expect(await counts()).toEqual([1, 1, 1]);

    await restoreConversationAttachments(deleted);
    expect((await listChatAttachments('c1'))[0]).toMatchObject({
      id: 'a',
      indexedBy: 'fake-model',
    });
    expect(await counts()).toEqual([2, 2, mine.chunks.length + 1]);
  });

  it('removes one attachment with its text and pieces', async () => {
    await saveChatAttachment(await storedAttachment('c1', read('x', [doc('x/a.txt', code)]), 'a'));
    await saveChatAttachment(await storedAttachment('c1', read('y', [doc('y/b.txt', 'b')]), 'b'));
    await removeChatAttachment('a');
    expect(await counts()).toEqual([1, 1, 1]);
  });
});

describe('indexAttachment', () => {
  it('embeds every piece with its file path as context, and marks the attachment indexed', async () => {
    const stored = await storedAttachment(
      'c1',
      read('repo', [doc('repo/main.ts', code, 'code')]),
      'a',
    );
    await saveChatAttachment(stored);
    const { embed, calls } = fakeEmbed();
    const progress: number[] = [];
    const outcome = await indexAttachment('a', embed, (done) => progress.push(done));
    expect(outcome).toEqual({ modelId: 'fake-model', embedded: stored.chunks.length });
    expect(calls.flat().filter((t) => t !== '')).toHaveLength(stored.chunks.length);
    expect(calls[1]?.[0]).toMatch(/^repo\/main\.ts\n\nconst value0 = 0;/);
    expect(progress.at(-1)).toBe(stored.chunks.length);
    const chunks = await getDb().chatAttachmentChunks.toArray();
    expect(chunks.every((c) => c.vector?.q instanceof Int8Array && c.vector.q.length === 3)).toBe(
      true,
    );
    expect((await listChatAttachments('c1'))[0]?.indexedBy).toBe('fake-model');
    // Nothing left to do for the same model.
    expect((await indexAttachment('a', embed)).embedded).toBe(0);
  });

  it('does nothing without an embedding model', async () => {
    await saveChatAttachment(await storedAttachment('c1', read('r', [doc('r/a.txt', 'a')]), 'a'));
    expect(await indexAttachment('a', () => Promise.resolve(null))).toEqual({
      modelId: null,
      embedded: 0,
    });
    expect((await listChatAttachments('c1'))[0]?.indexedBy).toBeNull();
  });

  it('stops, writing nothing, when the attachment is removed while it embeds', async () => {
    await saveChatAttachment(await storedAttachment('c1', read('r', [doc('r/a.txt', code)]), 'a'));
    const { embed } = fakeEmbed();
    let batches = 0;
    const removing = async (texts: string[]) => {
      if (texts.length > 0 && ++batches === 1) await removeChatAttachment('a');
      return embed(texts);
    };
    expect((await indexAttachment('a', removing)).embedded).toBe(0);
    expect(await counts()).toEqual([0, 0, 0]);
  });
});

describe('pieces', () => {
  const count = (t: string) => utf8UpperBound.count(t);

  it('cuts code into whole lines within the budget, covering every line', () => {
    const spans = lineChunks(code, 200, count);
    for (const { start, end } of spans) {
      expect(count(code.slice(start, end))).toBeLessThanOrEqual(200);
      expect(start === 0 || code[start - 1] === '\n').toBe(true);
      expect(end === code.length || code[end] === '\n').toBe(true);
    }
    const covered = spans.map(({ start, end }) => code.slice(start, end)).join('\n');
    expect(covered).toBe(code);
  });

  it('cuts a line longer than the budget inside it, never splitting a character', () => {
    const line = '😀'.repeat(300);
    const spans = lineChunks(line, 100, count);
    expect(spans.map(({ start, end }) => line.slice(start, end)).join('')).toBe(line);
    for (const { start, end } of spans) {
      expect(count(line.slice(start, end))).toBeLessThanOrEqual(100);
      expect(line.slice(start, end)).not.toMatch(/^[\udc00-\udfff]|[\ud800-\udbff]$/);
    }
  });

  it('keeps each PDF piece on one page and names it', () => {
    const page = 'A line of the report.\n'.repeat(120);
    const text = `${page}\n\n${page}`;
    const pdf: ReadDoc = {
      ...doc('r.pdf', text, 'pdf'),
      pages: [
        { number: 1, start: 0, end: page.length },
        { number: 2, start: page.length + 2, end: text.length },
      ],
    };
    const chunks = chunkDoc(pdf);
    expect(new Set(chunks.map((c) => c.page))).toEqual(new Set([1, 2]));
    for (const c of chunks) {
      const p = pdf.pages![c.page! - 1]!;
      expect(c.start >= p.start && c.end <= p.end).toBe(true);
      expect(count(text.slice(c.start, c.end))).toBeLessThanOrEqual(maxChunkTokens);
    }
    // Cut a page at a time (so the page's thread gets turns between pages), to the same pieces.
    const parts = [...chunkDocParts(pdf)];
    expect(parts.map((part) => new Set(part.map((c) => c.page)))).toEqual([
      new Set([1]),
      new Set([2]),
    ]);
    expect(parts.flat()).toEqual(chunks);
  });

  it('cuts Markdown by headings, keeping the heading path', () => {
    const md = `# Guide\n\n## Install\n\n${'Run the installer. '.repeat(80)}\n\n## Use\n\nOpen it.\n`;
    const chunks = chunkDoc(doc('g.md', md, 'markdown'));
    expect(chunks.some((c) => c.headingPath.includes('Use'))).toBe(true);
  });
});
