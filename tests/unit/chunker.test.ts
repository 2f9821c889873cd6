import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { chunkNote } from '../../src/lib/search/chunker';
import { corpusDir } from '../fixtures/corpus';
import type { ChunkOptions, NoteChunk } from '../../src/lib/search/embedding-types';

/** Stand-in for a model tokenizer: one token per space-separated word and per CJK character. */
const cjk = '\\p{sc=Han}\\p{sc=Hiragana}\\p{sc=Katakana}\\p{sc=Hangul}';
const tokenRe = new RegExp(`[${cjk}]|[^\\s${cjk}]+`, 'gu');
const countTokens = (text: string) => text.match(tokenRe)?.length ?? 0;

function options(maxTokens: number, overlapTokens = 0, extra: Partial<ChunkOptions> = {}) {
  let calls = 0;
  const counted: ChunkOptions = {
    maxTokens,
    overlapTokens,
    countTokens: (text) => {
      calls++;
      return countTokens(text);
    },
    ...extra,
  };
  return { options: counted, calls: () => calls };
}

/** Invariants every chunking must keep. */
function checkChunks(
  full: string,
  chunks: NoteChunk[],
  maxTokens: number,
  count: (text: string) => number = countTokens,
): void {
  chunks.forEach((chunk, i) => {
    expect(chunk.seq).toBe(i);
    expect(chunk.text).toBe(full.slice(chunk.start, chunk.end));
    expect(chunk.text.trim()).toBe(chunk.text);
    expect(chunk.text.length).toBeGreaterThan(0);
    expect(chunk.embedText.endsWith(chunk.text)).toBe(true);
    // An upper bound, or the real count where the bound did not fit.
    expect(chunk.tokenCount).toBeGreaterThanOrEqual(count(chunk.embedText));
    expect(chunk.tokenCount).toBeLessThanOrEqual(maxTokens);
    const previous = chunks[i - 1];
    if (previous) {
      expect(chunk.start).toBeGreaterThan(previous.start);
      expect(chunk.end).toBeGreaterThan(previous.end);
      // Chunks overlap only inside one section.
      if (chunk.start < previous.end) expect(chunk.headingPath).toEqual(previous.headingPath);
    }
  });
}

/** True when every non-whitespace character of `[start, end)` lies inside some chunk. */
function covered(chunks: NoteChunk[], start: number, end: number, full: string): boolean {
  const inChunk = new Uint8Array(full.length);
  for (const c of chunks) inChunk.fill(1, c.start, c.end);
  for (let i = start; i < end; i++) if (!inChunk[i] && /\S/.test(full[i]!)) return false;
  return true;
}

describe('chunkNote: structure', () => {
  it('returns nothing for empty, blank and frontmatter-only notes', () => {
    const { options: o } = options(50);
    expect(chunkNote('', o)).toEqual([]);
    expect(chunkNote(' \n\t\n  ', o)).toEqual([]);
    expect(chunkNote('---\ntitle: Only metadata\ntags: [a]\n---\n\n  \n', o)).toEqual([]);
    expect(chunkNote('***\n\n---\n', o)).toEqual([]);
  });

  it('skips frontmatter and keeps ranges in the full text', () => {
    const full = '---\ntitle: Trip\n---\n# Trip\n\nPack the tent.\n';
    const chunks = chunkNote(full, options(50).options);
    expect(chunks).toHaveLength(1);
    expect(chunks[0]!.text).toBe('Pack the tent.');
    expect(full.slice(chunks[0]!.start, chunks[0]!.end)).toBe('Pack the tent.');
    expect(chunks[0]!.embedText).toBe('Trip\n\nPack the tent.');
    expect(chunks[0]!.headingPath).toEqual([]);
  });

  it('carries the heading path, outermost first, without the title', () => {
    const full = [
      '# Garden',
      'Intro text.',
      '## Vegetables',
      '### Tomatoes',
      'Water daily.',
      '### Beans',
      'Climb the poles.',
      '## Flowers',
      'Roses need sun.',
    ].join('\n\n');
    const chunks = chunkNote(full, options(50).options);
    expect(chunks.map((c) => [c.text, c.headingPath])).toEqual([
      ['Intro text.', []],
      ['Water daily.', ['Vegetables', 'Tomatoes']],
      ['Climb the poles.', ['Vegetables', 'Beans']],
      ['Roses need sun.', ['Flowers']],
    ]);
    expect(chunks[1]!.embedText).toBe('Garden > Vegetables > Tomatoes\n\nWater daily.');
    checkChunks(full, chunks, 50);
  });

  it('reads setext headings and closing hashes, and takes a later level-1 heading as a section', () => {
    const full =
      'Title\n=====\n\nFirst.\n\nPart two\n--------\n\nSecond.\n\n## Part three ##\n\nThird.\n\n# Appendix\n\nLast.';
    const chunks = chunkNote(full, options(50).options);
    expect(chunks.map((c) => [c.text, c.headingPath, c.embedText.split('\n\n')[0]])).toEqual([
      ['First.', [], 'Title'],
      ['Second.', ['Part two'], 'Title > Part two'],
      ['Third.', ['Part three'], 'Title > Part three'],
      ['Last.', ['Appendix'], 'Title > Appendix'],
    ]);
  });

  it('treats an opening heading of a lower level as a section, not as the title', () => {
    const chunks = chunkNote('## Notes\n\nSome text.', options(50).options);
    expect(chunks[0]!.headingPath).toEqual(['Notes']);
    expect(chunks[0]!.embedText).toBe('Notes\n\nSome text.');
  });

  it('uses options.title as context and does not repeat it', () => {
    const full = '---\ntitle: Recipes\n---\nFlour and water.\n\n## Recipes\n\nBread.';
    const o = options(50, 0, { title: 'Recipes' }).options;
    expect(chunkNote(full, o).map((c) => c.embedText)).toEqual([
      'Recipes\n\nFlour and water.',
      'Recipes\n\nBread.',
    ]);
    // A different title keeps an opening H1 as a heading of its own.
    const other = chunkNote('# Monday\n\nCall Ann.', options(50, 0, { title: 'Journal' }).options);
    expect(other[0]!.headingPath).toEqual(['Monday']);
    expect(other[0]!.embedText).toBe('Journal > Monday\n\nCall Ann.');
  });

  it('gives a title-only note one chunk, and empty sections none', () => {
    const only = chunkNote('# Ideas for the weekend\n', options(50).options);
    expect(only).toHaveLength(1);
    expect(only[0]!.text).toBe('# Ideas for the weekend');
    expect(only[0]!.embedText).toBe('# Ideas for the weekend');
    const headings = chunkNote('# Plan\n\n## Todo\n\n## Done\n', options(50).options);
    expect(headings.map((c) => c.text)).toEqual(['# Plan\n\n## Todo\n\n## Done']);
    const full = '# Plan\n\n## Todo\n\n## Done\n\nShipped it.';
    expect(chunkNote(full, options(50).options).map((c) => [c.text, c.headingPath])).toEqual([
      ['Shipped it.', ['Done']],
    ]);
  });

  it('keeps code blocks whole and does not read headings inside them', () => {
    const code = [
      '```sh',
      '# not a heading',
      ...Array.from({ length: 8 }, (_, i) => `echo line ${i}`),
      '```',
    ].join('\n');
    const full = `# Scripts\n\n${'Words here. '.repeat(12).trim()}\n\n${code}\n\nAfter the code.`;
    const chunks = chunkNote(full, options(40).options);
    checkChunks(full, chunks, 40);
    const holder = chunks.filter((c) => c.text.includes('echo line 0'));
    expect(holder).toHaveLength(1);
    expect(holder[0]!.text).toContain(code);
    expect(chunks.every((c) => c.headingPath.length === 0)).toBe(true);
    expect(covered(chunks, full.indexOf('Words'), full.length, full)).toBe(true);
  });

  it('splits a fence larger than the budget by lines, never mid-line', () => {
    const lines = Array.from({ length: 60 }, (_, i) => `run step ${i} now`);
    const full = ['```', ...lines, '```'].join('\n');
    const chunks = chunkNote(full, options(30).options);
    expect(chunks.length).toBeGreaterThan(5);
    checkChunks(full, chunks, 30);
    for (const line of lines) expect(chunks.some((c) => c.text.includes(line))).toBe(true);
    expect(covered(chunks, 0, full.length, full)).toBe(true);
  });

  it('cuts between list items and paragraphs rather than inside them', () => {
    const items = Array.from({ length: 12 }, (_, i) => `- item number ${i} has five`);
    const full = items.join('\n');
    const chunks = chunkNote(full, options(20).options);
    checkChunks(full, chunks, 20);
    for (const chunk of chunks) {
      expect(chunk.text.startsWith('- item')).toBe(true);
      expect(chunk.text.endsWith('five')).toBe(true);
    }
  });
});

describe('chunkNote: long text', () => {
  it('splits a huge paragraph by sentences, with overlap of whole sentences', () => {
    const sentences = Array.from({ length: 40 }, (_, i) => `Sentence ${i} talks about topic ${i}.`);
    const full = `# Essay\n\n${sentences.join(' ')}`;
    const chunks = chunkNote(full, options(40, 10).options);
    checkChunks(full, chunks, 40);
    expect(covered(chunks, full.indexOf('Sentence'), full.length, full)).toBe(true);
    for (let i = 1; i < chunks.length; i++) {
      const overlap = full.slice(chunks[i]!.start, chunks[i - 1]!.end);
      expect(overlap.length).toBeGreaterThan(0);
      expect(overlap).toMatch(/^Sentence \d+ .*\.$/);
      expect(countTokens(overlap)).toBeLessThanOrEqual(10);
    }
  });

  it('splits one very long line without punctuation by words, counting tokens linearly', () => {
    const words = Array.from({ length: 5_000 }, (_, i) => `w${i}`);
    const full = words.join(' ');
    const { options: o, calls } = options(64, 8);
    const chunks = chunkNote(full, o);
    checkChunks(full, chunks, 64);
    expect(chunks.length).toBeGreaterThan(5_000 / 64);
    expect(covered(chunks, 0, full.length, full)).toBe(true);
    // Overlap begins at a word.
    for (const chunk of chunks) expect(chunk.text).toMatch(/^w\d+/);
    expect(calls()).toBeLessThan(3 * words.length);
  });

  it('splits Japanese and Chinese text by sentences, then characters', () => {
    const ja =
      '日本語の文章には単語の間に空白がありません。' +
      'そのため長い段落は文の区切りで分割します。' +
      '句読点のない非常に長い文字列は文字単位で切る必要があります'.repeat(6);
    const zh =
      '中文文本的词语之间没有空格。' + '这是一段非常长而且没有任何标点符号的中文内容'.repeat(8);
    for (const body of [ja, zh]) {
      const full = `# 見出し\n\n${body}`;
      const chunks = chunkNote(full, options(32, 6).options);
      checkChunks(full, chunks, 32);
      expect(chunks.length).toBeGreaterThan(3);
      expect(covered(chunks, full.indexOf(body), full.length, full)).toBe(true);
      expect(chunks.every((c) => c.embedText.startsWith('見出し\n\n'))).toBe(true);
      expect(chunks[0]!.text).toBe(body.slice(0, chunks[0]!.text.length));
    }
  });

  it('never cuts a surrogate pair', () => {
    const full = '𠀋𠂉𠂢𠂤'.repeat(50);
    const chunks = chunkNote(full, options(7).options);
    checkChunks(full, chunks, 7);
    for (const c of chunks) expect(c.text.isWellFormed()).toBe(true);
  });

  it('leaves the context out when it would take over half the budget', () => {
    const full = `# ${'very long title '.repeat(10)}\n\nShort body text.`;
    const chunks = chunkNote(full, options(16).options);
    expect(chunks.map((c) => c.embedText)).toEqual(['Short body text.']);
  });

  it('does not overlap across sections', () => {
    const para = Array.from({ length: 12 }, (_, i) => `Point ${i} is made here.`).join(' ');
    const full = `# Doc\n\n## One\n\n${para}\n\n## Two\n\n${para}`;
    const chunks = chunkNote(full, options(24, 8).options);
    checkChunks(full, chunks, 24);
    const firstOfTwo = chunks.findIndex((c) => c.headingPath[0] === 'Two');
    expect(firstOfTwo).toBeGreaterThan(1);
    expect(chunks[firstOfTwo]!.start).toBe(full.lastIndexOf('Point 0'));
    expect(chunks[1]!.start).toBeLessThan(chunks[0]!.end);
  });

  it('checks the real count when the tokenizer is not additive', () => {
    // Newlines cost a token each, so blocks counted one by one add up to less than their join.
    const count = (text: string) => countTokens(text) + (text.match(/\n/g)?.length ?? 0);
    const blocks = Array.from({ length: 30 }, (_, i) => `- step ${i}`);
    const full = `# Steps\n\n${blocks.join('\n\n')}`;
    const chunks = chunkNote(full, { maxTokens: 20, overlapTokens: 4, countTokens: count });
    checkChunks(full, chunks, 20, count);
    expect(covered(chunks, full.indexOf('- step 0'), full.length, full)).toBe(true);
    // Many small units in a chunk: the excess is given back in one step, not one unit per count.
    let calls = 0;
    const lines = Array.from({ length: 2_000 }, (_, i) => `echo ${i}`);
    const fence = ['```', ...lines, '```'].join('\n');
    const counted = (text: string) => (calls++, count(text));
    const fenced = chunkNote(fence, { maxTokens: 64, overlapTokens: 8, countTokens: counted });
    checkChunks(fence, fenced, 64, count);
    expect(calls).toBeLessThan(2 * lines.length);
    // A counter that charges for every space (as byte-level BPE may) makes pieces joined from
    // words too long once counted whole, so they are cut again.
    const spaced = (text: string) => countTokens(text) + (text.match(/ /g)?.length ?? 0);
    const long = 'word '.repeat(200).trim();
    const cut = chunkNote(long, { maxTokens: 30, overlapTokens: 0, countTokens: spaced });
    checkChunks(long, cut, 30, spaced);
    expect(covered(cut, 0, long.length, long)).toBe(true);
  });

  it('bounds a chunk by its pieces and the whitespace between them, else counts it whole', () => {
    // Each case breaks one part of the bound, so a chunk would be too long if that part were
    // missing: the whitespace between blocks, between words joined into a piece (in bytes), inside
    // an overlap; markup between blocks that no block holds; pieces of a word, cut where they touch.
    const newlines = (text: string) => countTokens(text) + (text.match(/\n/g)?.length ?? 0);
    const spaces = (text: string) => countTokens(text) + (text.match(/ /g)?.length ?? 0);
    const stars = (text: string) => countTokens(text) + 6 * (text.match(/\*/g)?.length ?? 0);
    /** Whitespace costs a token a character where a word follows it (as in byte-level BPE). */
    const attached = (text: string) =>
      countTokens(text) + (text.match(/\s+(?=\S)/g) ?? []).join('').length;
    /** An ideographic space is 3 bytes of UTF-8: a byte-level tokenizer may spend 3 tokens on it. */
    const wide = (text: string) => countTokens(text) + 3 * (text.match(/\u3000/g)?.length ?? 0);
    /** A token a character, and three more for a word of over 4 characters. */
    const runs = (text: string) =>
      (text.match(/\S+/g) ?? []).reduce((n, w) => n + w.length + (w.length > 4 ? 3 : 0), 0);
    const items = Array.from({ length: 40 }, (_, i) => `- item ${i} here`).join('\n\n');
    const sentences = Array.from({ length: 40 }, (_, i) => `Point ${i} is here.`).join(' ');
    const ruled = Array.from({ length: 30 }, (_, i) => `step ${i}`).join('\n\n***\n\n');
    const cases: [string, (text: string) => number, number, number][] = [
      [`# Title\n\n${items}`, newlines, 40, 8],
      ['word '.repeat(300).trim(), spaces, 30, 0],
      ['word\u3000'.repeat(300).trim(), wide, 30, 0],
      [`# Essay\n\n${sentences}`, spaces, 40, 12],
      [ruled, stars, 24, 0],
      [`# Title\n\n${items}`, attached, 40, 8],
      ['abcdefghij'.repeat(40), runs, 12, 6],
    ];
    for (const [full, count, maxTokens, overlapTokens] of cases) {
      const chunks = chunkNote(full, { maxTokens, overlapTokens, countTokens: count });
      expect(chunks.length).toBeGreaterThan(1);
      checkChunks(full, chunks, maxTokens, count);
    }
  });

  it('counts a chunk whole only when its bound does not fit', () => {
    // Short blocks well under the budget: one count each, none for the chunk they make.
    const counted: string[] = [];
    const full = `# Title\n\n${['- one', '- two', '- three'].join('\n\n')}`;
    const chunks = chunkNote(full, {
      maxTokens: 64,
      overlapTokens: 8,
      countTokens: (text) => (counted.push(text), countTokens(text)),
    });
    expect(chunks).toHaveLength(1);
    expect(counted).not.toContain(chunks[0]!.embedText);
    expect(chunks[0]!.tokenCount).toBeGreaterThanOrEqual(countTokens(chunks[0]!.embedText));
  });

  it('rejects nonsense options', () => {
    expect(() => chunkNote('x', options(0).options)).toThrow(RangeError);
    expect(() => chunkNote('x', options(10, 10).options)).toThrow(RangeError);
  });
});

describe('chunkNote: properties on generated notes', () => {
  /** Mulberry32: small, seeded, deterministic. */
  function random(seed: number) {
    return () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }
  const latin = ['alpha', 'beta', 'gamma', 'delta', 'tar', 'archive', 'file', 'note', 'x'];
  const kana = 'あいうえおかきくけこアイウエオ漢字文章検索';

  function generate(rand: () => number): { full: string; content: [number, number][] } {
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
    const sentence = () =>
      rand() < 0.3
        ? Array.from({ length: 3 + Math.floor(rand() * 40) }, () => pick([...kana])).join('') + '。'
        : Array.from({ length: 2 + Math.floor(rand() * 25) }, () => pick(latin)).join(' ') +
          pick(['.', '!', '?', '', ':']);
    const parts: { text: string; content: boolean }[] = [];
    if (rand() < 0.3) parts.push({ text: '---\ntitle: Generated\n---', content: false });
    if (rand() < 0.6) parts.push({ text: `# ${pick(latin)}`, content: false });
    const blocks = 1 + Math.floor(rand() * 14);
    for (let b = 0; b < blocks; b++) {
      const r = rand();
      if (r < 0.15)
        parts.push({
          text: `${'#'.repeat(2 + Math.floor(rand() * 3))} ${pick(latin)}`,
          content: false,
        });
      else if (r < 0.3) {
        const lines = Array.from({ length: 1 + Math.floor(rand() * 30) }, sentence);
        parts.push({ text: ['```', ...lines, '```'].join('\n'), content: true });
      } else if (r < 0.45) {
        const items = Array.from({ length: 1 + Math.floor(rand() * 6) }, () => `- ${sentence()}`);
        parts.push({ text: items.join('\n'), content: true });
      } else {
        const n = 1 + Math.floor(rand() * (rand() < 0.1 ? 60 : 6));
        parts.push({ text: Array.from({ length: n }, sentence).join(' '), content: true });
      }
    }
    let full = '';
    const content: [number, number][] = [];
    for (const part of parts) {
      if (full) full += '\n\n';
      if (part.content) content.push([full.length, full.length + part.text.length]);
      full += part.text;
    }
    return { full, content };
  }

  it('keeps its invariants on 200 random notes and is deterministic', () => {
    const rand = random(20261127);
    for (let n = 0; n < 200; n++) {
      const { full, content } = generate(rand);
      const maxTokens = 8 + Math.floor(rand() * 120);
      const overlapTokens = Math.floor(rand() * Math.min(32, maxTokens / 2));
      // Every other note with a tokenizer that charges for newlines (not additive over blocks).
      const count =
        n % 2 ? countTokens : (text: string) => countTokens(text) + (text.split('\n').length - 1);
      const o = { maxTokens, overlapTokens, countTokens: count };
      const chunks = chunkNote(full, o);
      checkChunks(full, chunks, maxTokens, count);
      for (const [start, end] of content) expect(covered(chunks, start, end, full)).toBe(true);
      if (content.length > 0) expect(chunks.length).toBeGreaterThan(0);
      expect(chunkNote(full, o)).toEqual(chunks);
    }
  });
});

const corpus = corpusDir;

describe('chunkNote: tldr corpus samples', () => {
  const languages = ['pages', 'pages.de', 'pages.ja', 'pages.zh'];
  const commands = ['tar', 'git-commit', 'find', 'ls', 'ssh'];

  for (const language of languages) {
    it(`chunks ${language} pages with every command line whole`, () => {
      for (const command of commands) {
        const full = readFileSync(`${corpus}${language}/common/${command}.md`, 'utf8');
        const title = /^# (.+)$/m.exec(full)![1]!;
        const chunks = chunkNote(full, options(64, 12).options);
        checkChunks(full, chunks, 64);
        const firstBlock = full.indexOf('\n>');
        expect(covered(chunks, firstBlock, full.length, full)).toBe(true);
        // The page title is context for every chunk, and no chunk carries it as a heading.
        for (const chunk of chunks) {
          expect(chunk.embedText.startsWith(`${title}\n\n`)).toBe(true);
          expect(chunk.headingPath).toEqual([]);
        }
        for (const line of full.split('\n').filter((l) => l.startsWith('`'))) {
          expect(chunks.some((c) => c.text.includes(line))).toBe(true);
        }
      }
    });
  }

  it('gives a short English page two or three chunks at 128 tokens', () => {
    const full = readFileSync(`${corpus}pages/common/tar.md`, 'utf8');
    const chunks = chunkNote(full, options(128, 16).options);
    expect(chunks.length).toBeGreaterThanOrEqual(2);
    expect(chunks.length).toBeLessThanOrEqual(3);
    expect(chunks[0]!.text.startsWith('> Archiving utility.')).toBe(true);
    expect(chunks.at(-1)!.text.endsWith('--wildcards "{{*.html}}"`')).toBe(true);
  });
});
