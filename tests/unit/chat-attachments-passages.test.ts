// Which attachment text a prompt gets: whole files when they fit, retrieved pieces otherwise
// (by words, or by meaning with vectors), always whole passages, never over the budget.
import { beforeEach, describe, expect, it } from 'vitest';
import { attachmentPassages } from '../../src/lib/attachments/attachment-passages';
import type { ReadAttachment, ReadDoc } from '../../src/lib/attachments/attachment-types';
import { selectPassages, type AttachmentSet } from '../../src/lib/attachments/passage-selection';
import { storedAttachment } from '../../src/lib/attachments/stored-attachment';
import { counterFrom, utf8UpperBound } from '../../src/lib/assistant/token-count';
import { saveChatAttachment } from '../../src/lib/db/chat-attachments-repo';
import { getDb } from '../../src/lib/db/db';
import type { EmbedResponse } from '../../src/lib/search/memory-types';
import { quantizeInt8 } from '../../src/lib/search/quantize';

const doc = (path: string, text: string): ReadDoc => ({
  path,
  format: 'text',
  text,
  sizeBytes: text.length,
});
const read = (name: string, docs: ReadDoc[]): ReadAttachment => ({
  kind: docs.length > 1 ? 'folder' : 'file',
  name,
  docs,
  refused: [],
  refusedCount: 0,
  skippedCount: 0,
  sizeBytes: docs.reduce((s, d) => s + d.sizeBytes, 0),
});

/** A long file of numbered paragraphs; paragraph `special` talks about sourdough. */
function longText(paragraphs: number, special = -1): string {
  return Array.from({ length: paragraphs }, (_, i) =>
    i === special
      ? `Paragraph ${i}: the sourdough starter needs feeding twice a day with rye flour.`
      : `Paragraph ${i}: ${'lorem ipsum dolor sit amet '.repeat(12).trim()}.`,
  ).join('\n\n');
}

let clock = 1_000;
async function set(name: string, docs: ReadDoc[], conversationId = 'c1'): Promise<AttachmentSet> {
  return storedAttachment(conversationId, read(name, docs), `att-${name}`, clock++);
}

const total = (passages: { tokens: number }[], overhead = 0): number =>
  passages.reduce((sum, p) => sum + p.tokens + overhead, 0);

describe('selectPassages', () => {
  it('puts attachments that fit in whole, with their paths', async () => {
    const notes = await set('notes.md', [doc('notes.md', 'Buy milk.\n')]);
    const repo = await set('repo', [
      doc('repo/a.ts', 'const a = 1;\n'),
      doc('repo/b.ts', 'const b = 2;\n'),
    ]);
    const passages = await selectPassages([notes, repo], 'anything', 1_000, utf8UpperBound);
    expect(passages.map((p) => [p.name, p.path, p.whole, p.text])).toEqual([
      ['notes.md', 'notes.md', true, 'Buy milk.\n'],
      ['repo', 'repo/a.ts', true, 'const a = 1;\n'],
      ['repo', 'repo/b.ts', true, 'const b = 2;\n'],
    ]);
    expect(passages.every((p) => p.start === 0 && p.score === null)).toBe(true);
  });

  it('retrieves the piece of a large attachment that the question is about', async () => {
    const small = await set('todo.txt', [doc('todo.txt', 'Call the plumber.\n')]);
    const big = await set('baking.txt', [doc('baking.txt', longText(200, 137))]);
    const passages = await selectPassages(
      [small, big],
      'How often do I feed the sourdough?',
      2_500,
      utf8UpperBound,
    );
    expect(passages[0]).toMatchObject({ name: 'todo.txt', whole: true });
    const retrieved = passages.filter((p) => !p.whole);
    expect(retrieved[0]?.text).toMatch(/sourdough starter/);
    const full = big.docs[0]!.text;
    for (const p of retrieved) expect(full.slice(p.start, p.end)).toBe(p.text);
    expect(total(passages)).toBeLessThanOrEqual(2_500);
  });

  it('fits small attachments whole before a large one that would take the budget', async () => {
    const large = await set('large.txt', [doc('large.txt', longText(8))]);
    const a = await set('a.txt', [doc('a.txt', 'alpha\n')]);
    const b = await set('b.txt', [doc('b.txt', 'beta\n')]);
    const budget = utf8UpperBound.count(large.docs[0]!.text);
    const passages = await selectPassages([large, a, b], 'alpha', budget, utf8UpperBound);
    expect(passages.filter((p) => p.whole).map((p) => p.name)).toEqual(['a.txt', 'b.txt']);
    expect(passages.some((p) => p.name === 'large.txt' && !p.whole)).toBe(true);
  });

  it('with no word in common, takes each file from its beginning', async () => {
    const big = await set('big.txt', [doc('big.txt', longText(50))]);
    const passages = await selectPassages([big], 'zzz', 1_500, utf8UpperBound);
    expect(passages[0]).toMatchObject({ whole: false, start: 0 });
  });

  it('ranks by meaning when pieces have vectors by the question’s model', async () => {
    const big = await set('big.txt', [doc('big.txt', longText(40))]);
    const dims = 4;
    big.chunks.forEach((chunk, i) => {
      const v = Float32Array.of(i === 7 ? 1 : 0, i === 7 ? 0 : 1, 0, 0);
      const { q, scales } = quantizeInt8(v, dims);
      chunk.vector = { modelId: 'm', q, scale: scales[0]! };
    });
    const queryVector = () =>
      Promise.resolve({ modelId: 'm', vector: Float32Array.of(1, 0, 0, 0) });
    const [first] = await selectPassages([big], 'no shared words', 1_500, utf8UpperBound, {
      queryVector,
    });
    expect(first?.start).toBe(big.chunks[7]!.start);
    // Vectors by another model are not compared: words (none here) decide, then file order.
    const other = () => Promise.resolve({ modelId: 'other', vector: Float32Array.of(1, 0, 0, 0) });
    const [fallback] = await selectPassages([big], 'no shared words', 1_500, utf8UpperBound, {
      queryVector: other,
    });
    expect(fallback?.start).toBe(big.chunks[0]!.start);
  });

  it('never passes the budget, over random budgets, overheads and counters', async () => {
    const sets = [
      await set('s1.txt', [doc('s1.txt', 'short note about rye\n')]),
      await set('m.md', [doc('m.md', longText(30, 3))]),
      await set('l.txt', [doc('l.txt', longText(120, 77))]),
      await set('日本.txt', [doc('日本.txt', '日本語のテキストです。ライ麦パン。\n'.repeat(40))]),
    ];
    // A tokenizer that counts about one token per 3 characters, never 0 for text.
    const wordish = counterFrom((text) => Math.ceil(text.length / 3));
    let seed = 7;
    const random = (): number =>
      ((seed = (Math.imul(seed, 48271) + 11) % 2147483647) & 0xffff) / 0xffff;
    for (let run = 0; run < 200; run++) {
      const budget = Math.floor(random() * 6_000);
      const overhead = Math.floor(random() * 30);
      const counter = run % 2 ? wordish : utf8UpperBound;
      const passages = await selectPassages(sets, 'rye sourdough', budget, counter, {
        passageOverheadTokens: overhead,
      });
      expect(total(passages, overhead)).toBeLessThanOrEqual(budget);
      for (const p of passages) {
        const source = sets
          .find((s) => s.attachment.id === p.attachmentId)!
          .docs.find((d) => d.path === p.path)!;
        expect(p.text).toBe(source.text.slice(p.start, p.end));
        expect(p.tokens).toBe(counter.count(p.text));
        if (p.whole) expect(p.text).toBe(source.text);
      }
    }
  });

  it('gives nothing for a budget of zero or less', async () => {
    const s = await set('a.txt', [doc('a.txt', 'x\n')]);
    expect(await selectPassages([s], 'x', 0, utf8UpperBound)).toEqual([]);
    expect(await selectPassages([s], 'x', -5, utf8UpperBound)).toEqual([]);
  });

  it('names the PDF pages a passage comes from', async () => {
    const text = `${longText(20, 5)}\n\n${longText(20, 18)}`;
    const half = longText(20, 5).length;
    const pdf: ReadDoc = {
      path: 'r.pdf',
      format: 'pdf',
      text,
      sizeBytes: 1,
      pages: [
        { number: 1, start: 0, end: half },
        { number: 2, start: half + 2, end: text.length },
      ],
      pageCount: 2,
    };
    const s = await set('r.pdf', [pdf]);
    const whole = await selectPassages([s], 'sourdough', 100_000, utf8UpperBound);
    expect(whole[0]?.pages).toEqual({ from: 1, to: 2 });
    const pieces = await selectPassages([s], 'sourdough', 2_500, utf8UpperBound);
    expect(
      pieces
        .map((p) => p.pages?.from)
        .slice(0, 2)
        .sort(),
    ).toEqual([1, 2]);
  });
});

describe('attachmentPassages (stored)', () => {
  beforeEach(async () => {
    const db = getDb();
    await Promise.all([
      db.chatAttachments.clear(),
      db.chatAttachmentDocs.clear(),
      db.chatAttachmentChunks.clear(),
    ]);
  });

  it('reads only the conversation’s attachments, and embeds the question only when searching', async () => {
    await saveChatAttachment(await set('mine.txt', [doc('mine.txt', 'my rye bread\n')], 'c1'));
    await saveChatAttachment(await set('theirs.txt', [doc('theirs.txt', 'other chat\n')], 'c2'));
    const asked: string[] = [];
    const embed = (texts: string[]): Promise<EmbedResponse | null> => {
      asked.push(...texts);
      return Promise.resolve(null);
    };
    const passages = await attachmentPassages('c1', 'rye', 1_000, utf8UpperBound, { embed });
    expect(passages.map((p) => p.name)).toEqual(['mine.txt']);
    expect(asked).toEqual([]);
    expect(await attachmentPassages('none', 'rye', 1_000, utf8UpperBound)).toEqual([]);
  });

  it('falls back to words when embedding the question fails, and says why', async () => {
    const big = await set('big.txt', [doc('big.txt', longText(100, 42))]);
    big.chunks.forEach((c) => (c.vector = { modelId: 'm', q: new Int8Array(4), scale: 1 }));
    await saveChatAttachment(big);
    const failures: unknown[] = [];
    const passages = await attachmentPassages('c1', 'sourdough', 1_500, utf8UpperBound, {
      embed: () => Promise.reject(new Error('worker gone')),
      onFallback: (e) => failures.push(e),
    });
    expect(passages[0]?.text).toMatch(/sourdough/);
    expect(failures).toHaveLength(1);
  });
});
