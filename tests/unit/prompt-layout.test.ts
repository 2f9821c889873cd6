// The prompt layout under a token budget: never over the window (checked over hundreds of random
// windows, passages in several scripts and emoji, and two counters), whole passages only, the
// lowest ranked dropped first, sources numbered [1]…[n] over what was kept.
import { describe, expect, it } from 'vitest';
import {
  historyShare,
  layoutPrompt,
  memoryShare,
  promptTokens,
  PromptTooLongError,
  type LayoutInput,
  type LayoutTurn,
  type PromptLayout,
} from '../../src/lib/assistant/prompt-layout';
import type { LayoutPassage } from '../../src/lib/assistant/prompt-text';
import {
  counterFrom,
  messageOverheadTokens,
  promptOverheadTokens,
  utf8UpperBound,
  type TokenCounter,
} from '../../src/lib/assistant/token-count';
import { mulberry32 } from '../fixtures/clustered-vectors';

const bytes = (text: string): number => new TextEncoder().encode(text).length;

describe('utf8UpperBound', () => {
  it('counts UTF-8 bytes', () => {
    expect(utf8UpperBound.count('')).toBe(0);
    expect(utf8UpperBound.count('sleep well')).toBe(10);
    expect(utf8UpperBound.count('é')).toBe(2);
    expect(utf8UpperBound.count('睡眠')).toBe(6);
    expect(utf8UpperBound.count('😴')).toBe(4);
    expect(utf8UpperBound.count('👩‍💻')).toBe(11);
    expect(utf8UpperBound.exact).toBe(false);
  });

  it('counts the longer form when a tokenizer normalization lengthens the text', () => {
    expect(utf8UpperBound.count('\u0958')).toBe(6); // NFC: क + nukta
    expect(utf8UpperBound.count('\ufb2c')).toBe(6); // NFC: shin + dagesh + shin dot
    expect(utf8UpperBound.count('\ufdfa')).toBe(bytes('\ufdfa'.normalize('NFKC')));
    expect(utf8UpperBound.count('\ufdfa')).toBeGreaterThan(30);
  });
});

describe('counterFrom', () => {
  it('wraps a tokenizer and refuses counts that are not whole numbers', () => {
    const counter = counterFrom((text) => text.split(' ').length);
    expect(counter.exact).toBe(true);
    expect(counter.count('a b c')).toBe(3);
    expect(() => counterFrom(() => -1).count('x')).toThrow(TypeError);
    expect(() => counterFrom(() => 1.5).count('x')).toThrow(TypeError);
    expect(() => counterFrom(() => Number.NaN).count('x')).toThrow(TypeError);
  });
});

// Random text in the shapes notes come in: Latin words, CJK, emoji (with ZWJ sequences), combining
// marks, and characters that NFC or NFKC lengthen.
type Random = () => number;
const pick = <T>(random: Random, items: readonly T[]): T =>
  items[Math.floor(random() * items.length)] as T;
const int = (random: Random, min: number, max: number): number =>
  min + Math.floor(random() * (max - min + 1));

const latin = ['sleep', 'walked', 'the', 'river', 'journal', 'coffee', 'Über', 'café', 'naïve'];
const emoji = ['😴', '🌧️', '👩‍💻', '🇫🇷', '❤️', '🏃🏽‍♀️'];
const odd = ['\u0958', '\ufb2c', '\ufdfa', 'e\u0301', '\ufb03'];

function word(random: Random): string {
  const kind = random();
  if (kind < 0.55) return pick(random, latin);
  if (kind < 0.8) {
    return Array.from({ length: int(random, 1, 4) }, () =>
      String.fromCodePoint(int(random, 0x4e00, 0x9fff)),
    ).join('');
  }
  if (kind < 0.93) return pick(random, emoji);
  return pick(random, odd);
}

function sentence(random: Random): string {
  const words = Array.from({ length: int(random, 2, 14) }, () => word(random));
  return `${words.join(' ')}.`;
}

function text(random: Random, maxSentences: number): string {
  return Array.from({ length: int(random, 1, maxSentences) }, () => sentence(random)).join(' ');
}

function randomInput(seed: number, counter: TokenCounter): LayoutInput {
  const random = mulberry32(seed);
  const contextWindow = int(random, 256, 32_768);
  const passages: LayoutPassage[] = Array.from({ length: int(random, 0, 14) }, (_, i) => ({
    id: `p${i}`,
    title: `Note ${i} ${word(random)}`,
    headingPath: random() < 0.5 ? [] : [`H ${word(random)}`, `Sub ${i}`],
    date: random() < 0.7 ? `2024-03-${String(int(random, 10, 28))}` : '',
    // The marker makes each passage findable; sizes run from a line to a few thousand tokens.
    text: `«${seed}:p${i}» ${text(random, random() < 0.2 ? 60 : 8)}`,
  }));
  const history: LayoutTurn[] = Array.from({ length: int(random, 0, 12) }, (_, i) => ({
    role: i % 2 === 0 ? 'user' : 'assistant',
    content: random() < 0.05 ? ' ' : `«${seed}:h${i}» ${text(random, 6)}`,
    status: random() < 0.05 ? 'error' : 'done',
  }));
  return {
    persona: random() < 0.8 ? text(random, 2) : '',
    systemPrompt: random() < 0.5 ? text(random, 3) : '',
    memories: Array.from({ length: int(random, 0, 8) }, (_, i) => ({
      id: `m${i}`,
      text: `«${seed}:m${i}» ${sentence(random)}`,
    })),
    passages,
    attachments: Array.from({ length: int(random, 0, 3) }, (_, i) => ({
      id: `a${i}`,
      name: `file-${i}.txt`,
      text: `«${seed}:a${i}» ${text(random, 30)}`,
    })),
    history,
    question: text(random, random() < 0.1 ? 40 : 2),
    contextWindow,
    answerReserve: int(random, 0, Math.floor(contextWindow / 2)),
    counter,
  };
}

/** What the persona, conversation prompt and question cost with nothing else, counted apart. */
function minimumTokens(input: LayoutInput): number {
  const sep = input.counter.count('\n\n');
  const piece = (t: string): number => (t.trim() ? input.counter.count(t.trim()) + sep : 0);
  return (
    promptOverheadTokens +
    2 * messageOverheadTokens +
    piece(input.persona) +
    piece(input.systemPrompt) +
    input.counter.count(input.question)
  );
}

const prefixIds = (ids: string[], all: { id: string }[]): boolean =>
  ids.every((id, i) => all[i]?.id === id);

function checkLayout(input: LayoutInput, layout: PromptLayout): void {
  const budget = input.contextWindow - input.answerReserve;
  const system = layout.messages[0]?.role === 'system' ? layout.messages[0].content : '';
  // Never over, and `used` is the count of exactly what is sent.
  expect(layout.budget).toBe(budget);
  expect(layout.used).toBe(promptTokens(layout.messages, input.counter));
  expect(layout.used).toBeLessThanOrEqual(budget);
  expect(layout.messages.at(-1)).toEqual({ role: 'user', content: input.question });

  // Passages: the top-ranked ones, numbered 1..n in order, each whole; the rest left out with a reason.
  const keptIds = layout.kept.passages.map((k) => k.id);
  expect(prefixIds(keptIds, input.passages)).toBe(true);
  expect(layout.kept.passages.map((k) => k.n)).toEqual(keptIds.map((_, i) => i + 1));
  const numbers = [...system.matchAll(/^\[(\d+)\] (?!Attached file)/gm)].map((m) => Number(m[1]));
  expect(numbers).toEqual(keptIds.map((_, i) => i + 1));
  // Attachments number on after the passages, so `[n]` names one thing in the whole prompt.
  const attached = [...system.matchAll(/^\[(\d+)\] Attached file/gm)].map((m) => Number(m[1]));
  expect(attached).toEqual(layout.kept.attachments.map((_, i) => keptIds.length + i + 1));
  expect(layout.kept.attachments.map((k) => k.n)).toEqual(attached);
  input.passages.forEach((p, i) => {
    const n = keptIds.indexOf(p.id);
    if (n === -1) {
      expect(system).not.toContain(`«${p.text.slice(1, p.text.indexOf('»'))}»`);
      expect(layout.omitted).toContainEqual(expect.objectContaining({ part: 'sources', id: p.id }));
    } else {
      expect(n).toBe(i);
      expect(system).toContain(`\n${p.text.trim()}`);
    }
  });
  expect(
    prefixIds(
      layout.kept.memories.map((k) => k.id),
      input.memories,
    ),
  ).toBe(true);
  expect(
    prefixIds(
      layout.kept.attachments.map((k) => k.id),
      input.attachments,
    ),
  ).toBe(true);

  // History: a newest-first run of whole turns that starts with the user.
  const turns = layout.messages.slice(system ? 1 : 0, -1);
  expect(turns.every((t) => input.history.some((h) => h.content === t.content))).toBe(true);
  expect(turns[0]?.role ?? 'user').toBe('user');
  if (turns.length) {
    const newestUsable = [...input.history]
      .reverse()
      .find((h) => h.role !== 'system' && h.status !== 'error' && h.content.trim());
    expect(turns.at(-1)?.content).toBe(newestUsable?.content);
  }
  expect(turns.some((t) => !t.content.trim())).toBe(false);

  // Every input item is either kept or said to be left out.
  const accounted = new Set(layout.omitted.map((o) => `${o.part}:${o.id}`));
  for (const p of input.passages) {
    expect(keptIds.includes(p.id) || accounted.has(`sources:${p.id}`)).toBe(true);
  }
  expect(layout.omitted.every((o) => o.reason.length > 0)).toBe(true);
}

describe('layoutPrompt: random budgets', () => {
  const runs = 600;

  it(`never goes over the window, over ${runs} random inputs (UTF-8 bound)`, () => {
    let laidOut = 0;
    let dropped = 0;
    for (let seed = 1; seed <= runs; seed++) {
      const input = randomInput(seed, utf8UpperBound);
      let layout: PromptLayout;
      try {
        layout = layoutPrompt(input);
      } catch (error) {
        expect(error).toBeInstanceOf(PromptTooLongError);
        expect(minimumTokens(input)).toBeGreaterThan(input.contextWindow - input.answerReserve);
        continue;
      }
      laidOut++;
      if (layout.kept.passages.length < input.passages.length) dropped++;
      checkLayout(input, layout);
      // With a bound that adds up, the parts add up to at least what was counted.
      const sum = layout.parts.reduce((s, p) => s + p.tokens, 0);
      expect(sum).toBeGreaterThanOrEqual(layout.used);
    }
    // The generator must exercise both outcomes, or the test proves little.
    expect(laidOut).toBeGreaterThan(runs / 2);
    expect(dropped).toBeGreaterThan(runs / 10);
  });

  it('never goes over with a tokenizer whose whole count exceeds the sum of its parts', () => {
    // Superadditive on purpose: the plan (per part) underestimates, so the final check must drop.
    const counter = counterFrom((t) => Math.ceil(t.length / 3) + Math.floor((t.length / 400) ** 2));
    let repaired = 0;
    for (let seed = 1001; seed <= 1000 + 300; seed++) {
      const input = randomInput(seed, counter);
      try {
        const layout = layoutPrompt(input);
        checkLayout(input, layout);
        if (layout.omitted.some((o) => o.reason.includes('whole prompt'))) repaired++;
      } catch (error) {
        expect(error).toBeInstanceOf(PromptTooLongError);
      }
    }
    expect(repaired).toBeGreaterThan(0);
  });
});

describe('layoutPrompt: layout and shares', () => {
  const passage = (i: number, sentences = 3): LayoutPassage => ({
    id: `p${i}`,
    title: `Sleep log ${i}`,
    headingPath: ['Health', 'Sleep'],
    date: '2024-03-0' + String(i % 9),
    text: `Passage ${i}. `.repeat(sentences),
  });
  const base: LayoutInput = {
    persona: 'You are Hearth.',
    systemPrompt: 'Be brief.',
    memories: [{ id: 'm1', text: 'The user\nis vegetarian.' }],
    passages: [passage(1), passage(2)],
    attachments: [{ id: 'a1', name: 'blood\nwork.txt', text: 'Iron: 12' }],
    history: [
      { role: 'assistant', content: 'Hello!' },
      { role: 'user', content: 'How did I sleep?' },
      { role: 'assistant', content: 'Badly.', status: 'error' },
      { role: 'assistant', content: 'Well.' },
    ],
    question: 'And last week?',
    contextWindow: 8192,
    answerReserve: 512,
    counter: utf8UpperBound,
  };

  it('writes one system message with every block, then history, then the question', () => {
    const layout = layoutPrompt(base);
    expect(layout.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
    const system = layout.messages[0]?.content ?? '';
    expect(system.startsWith('You are Hearth.\n\nBe brief.\n\nWhat you have told me')).toBe(true);
    expect(system).toContain('- The user is vegetarian.');
    expect(system).toContain(
      '[1] Sleep log 1 · Health > Sleep · 2024-03-01\nPassage 1. Passage 1. Passage 1.',
    );
    expect(system).toContain('[2] Sleep log 2');
    expect(system).toContain('Attached file "blood work.txt":\nIron: 12');
    expect(system).toMatch(/cite each one you use as \[n\]/);
    expect(system).toMatch(/do not contain the answer, say so/);
    expect(layout.omitted).toEqual([
      { part: 'history', id: '2', reason: 'failed answer' },
      { part: 'history', id: '0', reason: 'would make the conversation start with an answer' },
    ]);
    expect(layout.kept.passages).toEqual([
      { id: 'p1', n: 1 },
      { id: 'p2', n: 2 },
    ]);
    expect(layout.parts.map((p) => p.part)).toEqual([
      'system',
      'persona',
      'memory',
      'sources',
      'attachments',
      'history',
      'question',
    ]);
    // The UTF-8 bound adds up over ASCII text joined by blank lines: the parts are exact minus the
    // separator counted after the last block and per memory line.
    const sum = layout.parts.reduce((s, p) => s + p.tokens, 0);
    expect(sum - layout.used).toBeGreaterThanOrEqual(0);
    expect(sum - layout.used).toBeLessThanOrEqual(4);
  });

  it('leaves out the source block and its instructions when no passage is given', () => {
    const layout = layoutPrompt({ ...base, passages: [], attachments: [] });
    const system = layout.messages[0]?.content ?? '';
    expect(system).not.toContain('cite');
    expect(system).not.toContain('Sources');
    expect(layout.parts.find((p) => p.part === 'sources')?.tokens).toBe(0);
  });

  it('throws a typed error when the question and system prompt alone do not fit', () => {
    const input = { ...base, question: 'x'.repeat(5000), contextWindow: 4096, answerReserve: 512 };
    expect(() => layoutPrompt(input)).toThrow(PromptTooLongError);
    expect(() => layoutPrompt(input)).toThrow(/larger context window/);
  });

  it('keeps history its share while sources are plentiful', () => {
    const history: LayoutTurn[] = Array.from({ length: 10 }, (_, i) => ({
      role: i % 2 === 0 ? 'user' : 'assistant',
      content: `Turn ${i}. `.repeat(20),
    }));
    const passages = Array.from({ length: 40 }, (_, i) => passage(i, 30));
    const layout = layoutPrompt({ ...base, history, passages, attachments: [] });
    // History is small next to 40 % of the room: all of it stays, and sources fill the rest.
    expect(layout.messages).toHaveLength(1 + history.length + 1);
    expect(layout.kept.passages.length).toBeGreaterThan(5);
    expect(layout.kept.passages.length).toBeLessThan(40);
    expect(layout.budget - layout.used).toBeLessThan(700);
  });

  it('gives passages the whole room on a first question', () => {
    const passages = Array.from({ length: 40 }, (_, i) => passage(i, 30));
    const withHistory = layoutPrompt({
      ...base,
      passages,
      attachments: [],
      history: Array.from({ length: 40 }, (_, i) => ({
        role: i % 2 === 0 ? ('user' as const) : ('assistant' as const),
        content: `Turn ${i}. `.repeat(60),
      })),
    });
    const first = layoutPrompt({ ...base, passages, attachments: [], history: [] });
    expect(first.kept.passages.length).toBeGreaterThan(withHistory.kept.passages.length);
    const history = withHistory.parts.find((p) => p.part === 'history')?.tokens ?? 0;
    // With a long conversation, history holds on to its share of the room, give or take two turns
    // (whole turns only, and the oldest kept one must be a user turn).
    const room = withHistory.budget - minimumTokens(base);
    const turnTokens = 'Turn 10. '.repeat(60).length + messageOverheadTokens;
    expect(history).toBeGreaterThan(room * historyShare - 2 * turnTokens);
    expect(history).toBeLessThan(room * historyShare + turnTokens);
  });

  it('caps memories so they cannot crowd out the sources', () => {
    const memories = Array.from({ length: 400 }, (_, i) => ({
      id: `m${i}`,
      text: `Memory ${i} is a fact.`,
    }));
    const layout = layoutPrompt({ ...base, memories, history: [] });
    const memory = layout.parts.find((p) => p.part === 'memory')?.tokens ?? 0;
    const room = layout.budget - minimumTokens(base);
    expect(memory).toBeLessThanOrEqual(room * memoryShare);
    expect(layout.kept.memories.length).toBeGreaterThan(10);
    expect(layout.kept.passages).toHaveLength(2);
    expect(layout.omitted.find((o) => o.id === `m${layout.kept.memories.length}`)?.reason).toBe(
      'over budget',
    );
    expect(layout.omitted.find((o) => o.id === 'm399')?.reason).toMatch(/ranked below/);
  });

  it('drops a big high-ranked passage together with everything ranked below it', () => {
    const passages = [passage(1), passage(2, 2000), passage(3)];
    const layout = layoutPrompt({ ...base, passages, contextWindow: 4096 });
    expect(layout.kept.passages).toEqual([{ id: 'p1', n: 1 }]);
    expect(layout.messages[0]?.content).not.toMatch(/^\[2\] Sleep/m);
    expect(layout.messages[0]?.content).toMatch(/^\[2\] Attached file "blood work.txt":$/m);
  });
});
