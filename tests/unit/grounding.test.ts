// @vitest-environment jsdom
// Grounding's pure parts: scope and date to filters, the retrieval query, the ground step over a
// scripted retrieve (sources = the layout's kept passages, numbered as the prompt numbers them;
// notices; memories as their own kind; attachment passages numbered after the notes' and within
// the room the layout gives them), the answer budget, and citation links in the renderer.
import { describe, expect, it } from 'vitest';
import { filtersFor, retrievalQuery, scopeFilters } from '../../src/lib/assistant/grounding-scope';
import {
  groundQuestion,
  type AttachmentInput,
  type AttachmentsFn,
  type GroundInput,
} from '../../src/lib/assistant/ground-question';
import { answerBudget } from '../../src/lib/assistant/answer-budget';
import {
  attachedName,
  attachmentSnippet,
  citableSources,
  withCited,
} from '../../src/lib/assistant/answer-sources';
import { counterFor, utf8UpperBound } from '../../src/lib/assistant/token-count';
import { parseDatePhrase } from '../../src/lib/assistant/date-phrases';
import type { RetrievedChunk, RetrieveOptions } from '../../src/lib/search/retrieve-with';
import { renderChatMarkdown, StreamRenderer } from '../../src/lib/markdown/stream-render';

const NOW = new Date('2026-12-02T10:00:00Z'); // a Wednesday

function chunk(i: number, text = `Passage ${i} about sleep. `.repeat(8)): RetrievedChunk {
  return {
    chunkId: `c${i}`,
    noteId: `n${i}`,
    title: `Note ${i}`,
    path: `notes/${i}.md`,
    kind: 'note',
    date: '2026-11-01',
    tags: [],
    score: 0,
    start: i * 10,
    end: i * 10 + 5,
    headingPath: ['Top'],
    text,
    snippet: [{ text: 'sleep', hit: true }],
    fusedScore: 1 / (i + 1),
    sources: ['keyword'],
  };
}

function input(over: Partial<GroundInput> = {}): GroundInput & { asked: RetrieveOptions[] } {
  const asked: RetrieveOptions[] = [];
  return {
    asked,
    question: 'What helps my sleep?',
    history: [],
    persona: '',
    systemPrompt: '',
    contextWindow: 2048,
    answerReserve: 256,
    counter: utf8UpperBound,
    grounding: { enabled: true, scope: { kind: 'all' } },
    date: null,
    retrieve: (_query, options) => {
      asked.push(options);
      return Promise.resolve({ chunks: [0, 1, 2, 3].map((i) => chunk(i)), semantic: false });
    },
    ...over,
  };
}

describe('scope and date filters', () => {
  it('maps each scope to search filters', () => {
    expect(scopeFilters({ kind: 'all' })).toEqual({});
    expect(scopeFilters({ kind: 'journal' })).toEqual({ kind: 'journal' });
    expect(scopeFilters({ kind: 'folder', folder: '/work/2026/' })).toEqual({
      folder: 'work/2026',
    });
    expect(scopeFilters({ kind: 'tag', tag: '#Health' })).toEqual({ tag: 'health' });
    expect(scopeFilters({ kind: 'dates', from: '2026-01-01', to: '' })).toEqual({
      from: '2026-01-01',
    });
  });

  it('narrows to the journal days of the question, inside the scope', () => {
    const parsed = parseDatePhrase('last week about sleep', NOW, 'UTC', 'en-GB');
    expect(parsed?.query).toEqual({ kind: 'range', from: '2026-11-23', to: '2026-11-29' });
    expect(filtersFor({ kind: 'tag', tag: 'health' }, parsed!.query)).toEqual([
      { tag: 'health', kind: 'journal', from: '2026-11-23', to: '2026-11-29' },
    ]);
  });

  it('"on this day" looks at the same day in earlier years', () => {
    const filters = filtersFor(
      { kind: 'all' },
      {
        kind: 'day-of-year',
        month: 12,
        day: 2,
        beforeYear: 2026,
      },
    );
    expect(filters[0]).toEqual({ kind: 'journal', from: '2025-12-02', to: '2025-12-02' });
    expect(filters).toHaveLength(5);
  });

  it('searches the content words, without the date phrase', () => {
    const q = 'What did I write last week about sleep?';
    const parsed = parseDatePhrase(q, NOW, 'UTC', 'en-GB');
    expect(retrievalQuery(q, parsed)).toBe('sleep');
    expect(retrievalQuery('How do I create a gzipped archive?', null)).toBe(
      'create gzipped archive',
    );
  });
});

describe('groundQuestion', () => {
  it('lists exactly the passages the prompt numbers, best first', async () => {
    const grounded = await groundQuestion(input());
    const system = grounded.layout.messages[0]?.content ?? '';
    const notes = grounded.context.sources.filter((s) => s.kind === 'note');
    expect(notes.map((s) => [s.n, s.kind === 'note' && s.chunkId])).toEqual([
      [1, 'c0'],
      [2, 'c1'],
      [3, 'c2'],
      [4, 'c3'],
    ]);
    for (const s of notes) expect(system).toContain(`[${s.n}] Note ${s.n - 1} · Top`);
    expect(grounded.context.notices).toEqual(['keyword-only']);
    expect(grounded.searched?.query).toBe('helps sleep');
  });

  it('drops the lowest-ranked passages in a small budget and says why', async () => {
    const grounded = await groundQuestion(input({ contextWindow: 1200, answerReserve: 128 }));
    const kept = grounded.context.sources.map((s) => s.kind === 'note' && s.chunkId);
    expect(kept.length).toBeLessThan(4);
    expect(kept).toEqual(['c0', 'c1', 'c2', 'c3'].slice(0, kept.length));
    expect(grounded.context.omitted.some((o) => o.part === 'sources')).toBe(true);
    expect(grounded.layout.used).toBeLessThanOrEqual(grounded.layout.budget);
  });

  it('says when nothing matched, and reads nothing when off', async () => {
    const none = await groundQuestion(
      input({ retrieve: () => Promise.resolve({ chunks: [], semantic: true }) }),
    );
    expect(none.context.notices).toEqual(['no-match']);
    expect(none.context.sources).toEqual([]);
    const off = input({ grounding: { enabled: false, scope: { kind: 'all' } } });
    const grounded = await groundQuestion(off);
    expect(off.asked).toEqual([]);
    expect(grounded.context.grounded).toBe(false);
    expect(grounded.layout.messages).toEqual([{ role: 'user', content: 'What helps my sleep?' }]);
  });

  it('puts memories in their own section and lists them as their own kind', async () => {
    const grounded = await groundQuestion(
      input({ memories: [{ id: 'm1', text: 'I am allergic to cats.', source: 'a chat' }] }),
    );
    expect(grounded.layout.messages[0]?.content).toContain(
      'What you have told me (things the user asked you to remember):\n- I am allergic to cats.',
    );
    expect(grounded.context.sources.filter((s) => s.kind === 'memory')).toEqual([
      { kind: 'memory', n: 1, id: 'm1', text: 'I am allergic to cats.', source: 'a chat' },
    ]);
  });

  it('asks the pinned notes, not the index, for a pinned scope', async () => {
    const pinnedAsked: string[][] = [];
    const grounded = await groundQuestion(
      input({
        grounding: { enabled: true, scope: { kind: 'pinned', noteIds: ['n7'] } },
        pinned: (ids) => {
          pinnedAsked.push(ids);
          return Promise.resolve([chunk(7)]);
        },
      }),
    );
    expect(pinnedAsked).toEqual([['n7']]);
    expect(grounded.context.sources.map((s) => s.kind === 'note' && s.noteId)).toEqual(['n7']);
  });

  it('marks cited sources from the answer text, ignoring code and unknown numbers', async () => {
    const { context } = await groundQuestion(input());
    const marked = withCited(context.sources, 'See [2] and [9]. `[1]` is code.');
    expect(marked.map((s) => s.kind === 'note' && s.cited)).toEqual([false, true, false, false]);
  });
});

function attachment(i: number, text: string, over: Partial<AttachmentInput> = {}): AttachmentInput {
  return {
    attachmentId: 'a1',
    name: 'repo.zip',
    path: `repo/src/file${i}.ts`,
    start: 0,
    end: text.length,
    pages: null,
    text,
    whole: true,
    ...over,
  };
}

/** Attachment passages that fit `budgetTokens` as the selection would (best first, whole). */
function attachmentsOf(items: AttachmentInput[], asked: number[] = []): AttachmentsFn {
  return (_question, budgetTokens, counter, overheadTokens) => {
    asked.push(budgetTokens);
    let left = budgetTokens;
    const kept: AttachmentInput[] = [];
    for (const a of items) {
      const cost = counter.count(a.text) + overheadTokens(a.name, a.path);
      if (cost > left) break;
      left -= cost;
      kept.push(a);
    }
    return Promise.resolve(kept);
  };
}

describe('attachments in the ground step', () => {
  it('numbers attachment passages after the notes, in the prompt and the sources', async () => {
    const items = [
      attachment(1, 'export const one = 1;'),
      attachment(2, 'Iron: 12 µmol/L', {
        attachmentId: 'a2',
        name: 'bloodwork.pdf',
        path: 'bloodwork.pdf',
        pages: { from: 1, to: 2 },
      }),
    ];
    const { layout, context } = await groundQuestion(input({ attachments: attachmentsOf(items) }));
    const system = layout.messages[0]?.content ?? '';
    expect(layout.kept.passages.map((k) => k.n)).toEqual([1, 2, 3, 4]);
    expect(system).toContain(
      'Files the user attached to this conversation:\n\n[5] Attached file "repo.zip", repo/src/file1.ts:\nexport const one = 1;',
    );
    expect(system).toContain('[6] Attached file "bloodwork.pdf", pages 1–2:\nIron: 12 µmol/L');
    const attached = context.sources.filter((s) => s.kind === 'attachment');
    expect(attached.map((s) => [s.n, attachedName(s)])).toEqual([
      [5, 'repo.zip › repo/src/file1.ts'],
      [6, 'bloodwork.pdf, pages 1–2'],
    ]);
    expect(citableSources(context.sources).map((s) => s.n)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(context.parts.find((p) => p.part === 'attachments')?.tokens).toBeGreaterThan(0);
    // [6] is cited and links like a note's [n]; [7] points at nothing.
    const marked = withCited(context.sources, 'Iron was low [6]; see also [7].');
    expect(marked.filter((s) => s.kind !== 'memory' && s.cited).map((s) => s.n)).toEqual([6]);
  });

  it('puts attachments in with "Use my notes" off, numbered from 1', async () => {
    const { layout, context } = await groundQuestion(
      input({ grounding: null, attachments: attachmentsOf([attachment(1, 'const x = 2;')]) }),
    );
    expect(context.grounded).toBe(false);
    expect(layout.messages[0]?.content).toContain('[1] Attached file "repo.zip"');
    expect(layout.messages[0]?.content).not.toContain('Sources from the user');
    expect(context.sources).toMatchObject([{ kind: 'attachment', n: 1, snippet: 'const x = 2;' }]);
  });

  it('gives attachments at most half of what is left when notes share it, all of it otherwise', async () => {
    const big = Array.from({ length: 40 }, (_, i) =>
      attachment(i, `Line ${i} of a long file. `.repeat(20)),
    );
    const withNotes: number[] = [];
    const grounded = await groundQuestion(
      input({ contextWindow: 4096, attachments: attachmentsOf(big, withNotes) }),
    );
    const alone: number[] = [];
    await groundQuestion(
      input({ grounding: null, contextWindow: 4096, attachments: attachmentsOf(big, alone) }),
    );
    expect(withNotes[0]).toBeGreaterThan(0);
    expect(alone[0]).toBeGreaterThan((withNotes[0] ?? 0) * 1.8);
    // The notes still got in, and the whole prompt fits.
    expect(grounded.layout.kept.passages.length).toBeGreaterThan(0);
    expect(grounded.layout.kept.attachments.length).toBeGreaterThan(0);
    expect(grounded.layout.used).toBeLessThanOrEqual(grounded.layout.budget);
    expect(grounded.layout.omitted.filter((o) => o.part === 'attachments')).toEqual([]);
  });

  it('cuts a long snippet at a word, on one line', () => {
    expect(attachmentSnippet('a\n\n b')).toBe('a b');
    const long = attachmentSnippet('word '.repeat(100));
    expect(long.length).toBeLessThanOrEqual(201);
    expect(long.endsWith('word…')).toBe(true);
  });
});

describe('answer budget and counter', () => {
  it('keeps at least half the window for the prompt', () => {
    expect(answerBudget(2048, 300)).toEqual({ contextWindow: 2048, answerReserve: 300 });
    expect(answerBudget(2048, 4000)).toEqual({ contextWindow: 2048, answerReserve: 1024 });
    expect(answerBudget(null, 100).contextWindow).toBe(2048);
  });

  it('counts with a tokenizer when given one, else the upper bound', () => {
    expect(counterFor()).toBe(utf8UpperBound);
    const exact = counterFor((text) => text.split(' ').length);
    expect(exact.exact).toBe(true);
    expect(exact.count('a b c')).toBe(3);
  });
});

describe('citation links in answers', () => {
  const links = { count: 2, href: (n: number) => `/notes/n${n}?at=0-5` };

  it('links known markers and leaves others as text', () => {
    const html = renderChatMarkdown('Yes [1][3], see `[2]`.', links);
    expect(html).toMatch(
      /<a class="cite" href="\/notes\/n1\?at=0-5" data-source="1"[^>]*>\[1\]<\/a>/,
    );
    expect(html).toContain('[3]');
    expect(html).not.toContain('data-source="3"');
    expect(html).toContain('<code>[2]</code>');
  });

  it('streams to the same HTML as a one-shot render', () => {
    const text = 'First [1].\n\nSecond [2] and [5].\n\n- item [1, 2]\n';
    const renderer = new StreamRenderer(links);
    for (let i = 1; i <= text.length; i++) renderer.update(text.slice(0, i));
    expect(renderer.html).toBe(renderChatMarkdown(text, links));
  });
});
