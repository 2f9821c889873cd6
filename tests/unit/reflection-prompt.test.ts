// A reflection's prompt under the model's window: never over it (random windows, long entries in
// several scripts), sources kept best-first and whole, the entry itself always [1] or a clear
// refusal, and the excerpts and keyword terms that feed it.
import { describe, expect, it } from 'vitest';
import {
  EntryTooLongError,
  NothingToReviewError,
  reflectionPrompt,
  type ReflectionPromptInput,
} from '../../src/lib/assistant/reflection-prompt';
import {
  distinctSources,
  salientTerms,
  sentenceExcerpt,
  wholeEntrySource,
  type ReflectionSource,
  type SourceReason,
} from '../../src/lib/assistant/reflection-sources';
import { promptTokens } from '../../src/lib/assistant/prompt-layout';
import { utf8UpperBound } from '../../src/lib/assistant/token-count';
import { answerReserveFor } from '../../src/lib/assistant/reflection-counter';
import { defaultTemplates, fillTemplate } from '../../src/lib/assistant/reflection-templates';
import { mulberry32 } from '../fixtures/clustered-vectors';

const words = ['slept', 'walked', '睡眠', 'Müdigkeit', 'café', '😴', 'rain.', 'work!', 'friends?'];

function source(
  i: number,
  reason: SourceReason,
  length: number,
  rand: () => number,
): ReflectionSource {
  const text = Array.from({ length }, () => words[Math.floor(rand() * words.length)]).join(' ');
  return {
    id: `s${i}`,
    noteId: `n${i}`,
    path: `journal/2026-03-${String(i + 1).padStart(2, '0')}.md`,
    title: `Entry ${i}`,
    date: `2026-03-${String(i + 1).padStart(2, '0')}`,
    reason,
    text,
    headingPath: [],
  };
}

function input(over: Partial<ReflectionPromptInput>, rand = mulberry32(1)): ReflectionPromptInput {
  const reasons: SourceReason[] = ['entry', 'same-day', 'recent', 'recent', 'similar', 'similar'];
  return {
    persona: 'Be kind.',
    instructions: fillTemplate(defaultTemplates.reflection, { date: '2026-03-18' }),
    request: 'Reflect on my journal entry of 2026-03-18 [1].',
    sources: reasons.map((reason, i) => source(i, reason, 20 + Math.floor(rand() * 200), rand)),
    entryFirst: true,
    contextWindow: 2048,
    answerReserve: 256,
    counter: utf8UpperBound,
    ...over,
  };
}

describe('reflectionPrompt', () => {
  it('numbers the sources best first, the entry as [1], and fits the window', () => {
    const plan = reflectionPrompt(input({ contextWindow: 32_768 }));
    expect(plan.given.map((s) => s.id)).toEqual(['s0', 's1', 's2', 's3', 's4', 's5']);
    expect(plan.left).toEqual([]);
    const system = plan.layout.messages[0]?.content ?? '';
    expect(system).toContain('[1] Entry 0 · 2026-03-01');
    expect(system).toContain('[6] Entry 5');
    expect(system).toContain('2026-03-18 (source [1])');
    expect(plan.layout.messages.at(-1)).toEqual({
      role: 'user',
      content: 'Reflect on my journal entry of 2026-03-18 [1].',
    });
  });

  it('is never over the window, keeps a best-first prefix of whole sources (300 random windows)', () => {
    const rand = mulberry32(42);
    let refused = 0;
    let dropped = 0;
    let whole = 0;
    for (let round = 0; round < 300; round++) {
      const contextWindow = 600 + Math.floor(rand() * 6000);
      const answerReserve = answerReserveFor(contextWindow, 64 + Math.floor(rand() * 2048));
      const given = input({ contextWindow, answerReserve }, rand);
      try {
        const plan = reflectionPrompt(given);
        const used = promptTokens(plan.layout.messages, utf8UpperBound);
        expect(used).toBeLessThanOrEqual(contextWindow - answerReserve);
        expect(plan.layout.used).toBe(used);
        const ids = given.sources.map((s) => s.id);
        expect(plan.given.map((s) => s.id)).toEqual(ids.slice(0, plan.given.length));
        expect(plan.left.map((s) => s.id)).toEqual(ids.slice(plan.given.length));
        // Whole texts only.
        for (const s of plan.given) expect(plan.layout.messages[0]?.content).toContain(s.text);
        if (plan.left.length) dropped++;
        else whole++;
      } catch (error) {
        expect(error).toBeInstanceOf(Error);
        expect((error as Error).name).toMatch(/EntryTooLongError|PromptTooLongError/);
        refused++;
      }
    }
    // The windows span all three outcomes, so each check above really ran.
    expect(refused).toBeGreaterThan(0);
    expect(dropped).toBeGreaterThan(0);
    expect(whole).toBeGreaterThan(0);
  });

  it('refuses, with a reason, an entry that does not fit rather than reflecting without it', () => {
    const rand = mulberry32(7);
    const sources = input({}, rand).sources;
    const huge = { ...(sources[0] as ReflectionSource), text: 'word '.repeat(5000) };
    expect(() =>
      reflectionPrompt(input({ sources: [huge, ...sources.slice(1)], contextWindow: 2048 })),
    ).toThrow(EntryTooLongError);
  });

  it('refuses a week with no entries', () => {
    expect(() => reflectionPrompt(input({ sources: [], entryFirst: false }))).toThrow(
      NothingToReviewError,
    );
  });
});

describe('sentenceExcerpt', () => {
  it('keeps short text whole and cuts long text at a sentence end', () => {
    expect(sentenceExcerpt('One. Two.', 100)).toBe('One. Two.');
    const text = 'First sentence here. Second one is here. Third is much longer than the rest.';
    expect(sentenceExcerpt(text, 45)).toBe('First sentence here. Second one is here.');
  });

  it('keeps a first sentence longer than the limit whole, never cutting it', () => {
    expect(sentenceExcerpt('A very long first sentence. Then more.', 10)).toBe(
      'A very long first sentence.',
    );
    expect(sentenceExcerpt('no sentence end at all', 5)).toBe('no sentence end at all');
  });

  it('cuts after a line end and after CJK full stops', () => {
    expect(sentenceExcerpt('line one\nline two\nline three', 12)).toBe('line one');
    expect(sentenceExcerpt('今日は晴れ。 明日は雨。 あさっては雪。', 14)).toBe(
      '今日は晴れ。 明日は雨。',
    );
  });
});

describe('sources', () => {
  it('reads an entry without its frontmatter; other entries as excerpts', () => {
    const entry = {
      id: 'e',
      path: 'journal/2026-03-18.md',
      title: 'T',
      date: '2026-03-18',
      content: '---\nkind: journal\n---\n\n# Day\n\nSlept well. ' + 'More words here. '.repeat(200),
    };
    const own = wholeEntrySource(entry, 'entry');
    expect(own.text.startsWith('# Day')).toBe(true);
    expect(own.text.length).toBeGreaterThan(3000);
    const other = wholeEntrySource(entry, 'recent', 100);
    expect(other.text.length).toBeLessThanOrEqual(100);
    expect(other.text.endsWith('.')).toBe(true);
  });

  it('keeps the first source of each note and drops empty ones', () => {
    const rand = mulberry32(3);
    const [a, b] = [source(0, 'entry', 3, rand), source(1, 'recent', 3, rand)];
    const dup = { ...a, id: 'chunk', reason: 'similar' as const };
    const empty = { ...source(2, 'recent', 0, rand), text: '  ' };
    expect(distinctSources([a, b, dup, empty]).map((s) => s.id)).toEqual(['s0', 's1']);
  });

  it('picks frequent, longer, non-stop words for keyword search', () => {
    expect(
      salientTerms('Sleep was poor. Sleep again poor; coffee. This that with coffee sleep.', 3),
    ).toEqual(['sleep', 'coffee', 'poor']);
    expect(salientTerms('睡眠不足 Müdigkeit müdigkeit', 2)).toEqual(['müdigkeit', '睡眠不足']);
  });
});
