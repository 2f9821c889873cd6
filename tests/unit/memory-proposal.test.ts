import { describe, expect, it } from 'vitest';
import {
  maxOutputBytes,
  maxProposals,
  parseProposals,
  proposalPrompt,
} from '../../src/lib/assistant/memory-proposal';

const answer = (memories: unknown) => JSON.stringify({ memories });
const texts = (output: string) => parseProposals(output).proposals.map((p) => p.text);

function expectRejected(output: string, message: RegExp) {
  const result = parseProposals(output);
  expect(result.proposals).toEqual([]);
  expect(result.error).toMatch(message);
}

describe('proposalPrompt', () => {
  it('asks for JSON only, puts the transcript in the user turn and leaves system turns out', () => {
    const messages = proposalPrompt([
      { role: 'system', content: 'SECRET PERSONA' },
      { role: 'user', content: ' I am vegetarian. ' },
      { role: 'assistant', content: 'Noted.' },
    ]);
    expect(messages.map((m) => m.role)).toEqual(['system', 'user']);
    expect(messages[0]!.content).toContain('{"memories": [{"text"');
    expect(messages[0]!.content).toContain('{"memories": []}');
    expect(messages[1]!.content).toContain('User: I am vegetarian.\n\nAssistant: Noted.');
    expect(messages.map((m) => m.content).join('')).not.toContain('SECRET PERSONA');
  });

  it('asks for a shape the parser accepts', () => {
    const example = proposalPrompt([])[0]!.content.match(/\{"memories": \[\{.*\}\]\}/)?.[0];
    expect(example).toBeDefined();
    expect(parseProposals(example!)).toEqual({
      proposals: [{ text: 'The user ...', why: 'what the user said that shows it' }],
      error: null,
    });
  });
});

describe('parseProposals', () => {
  it('reads a valid answer', () => {
    const output = answer([
      { text: 'The user is vegetarian.', why: 'They said so.' },
      { text: 'The user lives in Lisbon.' },
    ]);
    expect(parseProposals(output)).toEqual({
      proposals: [
        { text: 'The user is vegetarian.', why: 'They said so.' },
        { text: 'The user lives in Lisbon.', why: '' },
      ],
      error: null,
    });
  });

  it('reads an empty list as nothing to keep, without an error', () => {
    expect(parseProposals('{"memories": []}')).toEqual({ proposals: [], error: null });
  });

  it('reads a ```json fence and prose around the object', () => {
    const body = answer([{ text: 'The user has a cat named Miso.', why: 'x' }]);
    expect(texts('```json\n' + body + '\n```')).toEqual(['The user has a cat named Miso.']);
    expect(texts(`Sure! Here it is:\n${body}\nHope that {helps}.`)).toEqual([
      'The user has a cat named Miso.',
    ]);
    // Braces in the prose before the JSON, and braces and quotes inside its strings.
    const tricky = answer([{ text: 'The user writes {"a": "}"} in \\"code\\"', why: '[' }]);
    expect(texts(`I found {one} thing: ${tricky}`)).toEqual([
      'The user writes {"a": "}"} in \\"code\\"',
    ]);
  });

  it('rejects malformed JSON, output without JSON, and output cut off mid-way', () => {
    expectRejected('{"memories": [{"text": "The user is tall",}]}', /not valid JSON/);
    // A broken answer is not rescued by reading a valid object nested inside it.
    expectRejected('{"memories": [{"text": "The user is tall."}], oops}', /not valid JSON/);
    expectRejected('I have nothing to add.', /no JSON object/);
    expectRejected('', /no JSON object/);
    const full = answer([{ text: 'The user is a nurse.', why: 'Said so.' }]);
    for (const cut of [1, 10, full.length - 1]) expectRejected(full.slice(0, cut), /cut off/);
  });

  it('rejects the wrong shape with a message', () => {
    expectRejected('{"memory": []}', /no "memories" list/);
    expectRejected('{"memories": "The user is tall."}', /no "memories" list/);
    expectRejected('{"memories": {"text": "The user is tall."}}', /no "memories" list/);
    expectRejected(answer(['The user is tall.']), /None of the proposed memories/);
  });

  it('drops items whose fields are numbers or nulls instead of strings', () => {
    expectRejected(answer([{ text: 42 }, { text: null }, { text: ['x'] }, {}]), /no text/);
    const result = parseProposals(
      answer([{ text: 7, why: 'x' }, { text: 'The user runs marathons.', why: null }, null]),
    );
    expect(result).toEqual({
      proposals: [{ text: 'The user runs marathons.', why: '' }],
      error: null,
    });
    expectRejected(answer([{ text: 'The user is tall.', why: 12 }]), /reason is not text/);
  });

  it('cleans text: trims, collapses whitespace, strips control and bidi characters', () => {
    const [p] = parseProposals(
      answer([
        {
          text: '  The\tuser\n\n likes\u0000 \u202Egnik\u202C tea\u200B.\u0007 ',
          why: ' because\r\nthey said\u2066 so ',
        },
      ]),
    ).proposals;
    expect(p).toEqual({ text: 'The user likes gnik tea.', why: 'because they said so' });
    // Joiners stay: emoji sequences and several scripts need them.
    expect(texts(answer([{ text: 'The user ❤️ 👩‍💻 work' }]))).toEqual(['The user ❤️ 👩‍💻 work']);
  });

  it('drops duplicates ignoring case, empty and too short texts, and too long texts', () => {
    const long = 'x'.repeat(301);
    const result = parseProposals(
      answer([
        { text: 'The user is vegetarian.' },
        { text: 'THE USER IS   vegetarian.' },
        { text: '   ' },
        { text: 'ab' },
        { text: long },
        { text: 'é'.repeat(300) },
      ]),
    );
    expect(result.error).toBeNull();
    expect(result.proposals.map((p) => p.text)).toEqual([
      'The user is vegetarian.',
      'é'.repeat(300),
    ]);
    expectRejected(answer([{ text: ' \n ' }, { text: long }]), /shorter than 3/);
  });

  it('cuts a long reason instead of losing the memory', () => {
    const [p] = parseProposals(
      answer([{ text: 'The user is tall.', why: 'w'.repeat(1000) }]),
    ).proposals;
    expect(p!.why).toBe('w'.repeat(300));
  });

  it(`refuses more than ${maxProposals} proposals, and 10k of them`, () => {
    const items = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ text: `The user fact ${i}` }));
    expect(texts(answer(items(maxProposals)))).toHaveLength(maxProposals);
    expectRejected(answer(items(maxProposals + 1)), /more than 20/);
    // 10k small objects fit in 64 KiB: the count limit refuses them.
    const tenK = `{"memories":[${Array(10_000).fill('{}').join(',')}]}`;
    expect(tenK.length).toBeLessThan(maxOutputBytes);
    expectRejected(tenK, /more than 20/);
    expectRejected(answer(items(10_000)), /larger than 64 KiB/);
  });

  it('refuses input over 64 KiB, counted in UTF-8 bytes, without reading it', () => {
    const huge = answer([{ text: 'The user is tall.', why: 'y'.repeat(1024 * 1024) }]);
    expectRejected(huge, /larger than 64 KiB/);
    // 30k characters, but 90k bytes.
    expectRejected(answer([{ text: 'The user is tall.', why: '€'.repeat(30_000) }]), /64 KiB/);
    const justUnder = answer([{ text: 'The user is tall.', why: 'y'.repeat(maxOutputBytes - 60) }]);
    expect(parseProposals(justUnder).error).toBeNull();
  });

  it('refuses deeply nested arrays without overflowing the stack', () => {
    const nested = (n: number) => `{"memories": ${'['.repeat(n)}${']'.repeat(n)}}`;
    expectRejected(nested(100_000), /64 KiB/);
    expectRejected(nested(30_000), /nested too deeply/);
    expectRejected(`{"memories": [{"text": ${'['.repeat(40)}`, /nested too deeply/);
    expectRejected('['.repeat(1_000_000), /64 KiB/);
  });

  it('never pollutes prototypes with __proto__ or constructor keys', () => {
    const before = Object.getOwnPropertyNames(Object.prototype).sort();
    const output =
      '{"__proto__": {"polluted": "yes"}, "constructor": {"prototype": {"polluted": "yes"}},' +
      ' "memories": [{"text": "The user is tall.", "why": "x", "__proto__": {"polluted": "yes"},' +
      ' "constructor": {"prototype": {"polluted": "yes"}}}]}';
    const result = parseProposals(output);
    expect(result.error).toBeNull();
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const [p] = result.proposals;
    expect(Object.keys(p!)).toEqual(['text', 'why']);
    expect(Object.getPrototypeOf(p)).toBe(Object.prototype);
    expectRejected('{"memories": [{"text": {"__proto__": "x"}}]}', /no text/);
  });

  it('keeps HTML and script payloads as inert plain strings', () => {
    const payloads = [
      '<script>alert(1)</script>',
      '<img src=x onerror=alert(1)>',
      '"><svg onload=alert(1)>',
      'javascript:alert(1)',
    ];
    const result = parseProposals(answer(payloads.map((text) => ({ text, why: text }))));
    expect(result.error).toBeNull();
    expect(result.proposals).toEqual(payloads.map((text) => ({ text, why: text })));
    for (const p of result.proposals) expect(typeof p.text).toBe('string');
  });

  it('never throws, whatever the input', () => {
    const seeds = ['{', '}', '[', ']', '"', '\\', ':', ',', 'a', ' ', 'memories', 'text', '\u0000'];
    let state = 42;
    const random = () => (state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    for (let round = 0; round < 2_000; round++) {
      const length = Math.floor(random() * 60);
      const output = Array.from({ length }, () => seeds[Math.floor(random() * seeds.length)]).join(
        '',
      );
      const result = parseProposals(output);
      expect(Array.isArray(result.proposals)).toBe(true);
      if (result.proposals.length === 0 && result.error === null)
        expect(output).toMatch(/memories/);
    }
    expect(parseProposals(42 as unknown as string).error).toMatch(/not text/);
  });
});
