import { describe, expect, it } from 'vitest';
import { paragraphRange } from '../../src/lib/search/paragraph-range';

describe('paragraphRange', () => {
  const text =
    '# Title\n\nFirst paragraph about apples.\n\nSecond paragraph about Pears and plums.\n';

  it('returns the paragraph holding the earliest query word', () => {
    const { start, end } = paragraphRange(text, ['pears', 'nothing']);
    expect(text.slice(start, end)).toBe('Second paragraph about Pears and plums.\n');
  });

  it('falls back to the opening when no word matches', () => {
    const { start, end } = paragraphRange(text, ['kiwi']);
    expect(text.slice(start, end)).toBe('# Title');
  });

  it('cuts a long paragraph around the match, at most maxChars long', () => {
    const long = `${'word '.repeat(2_000)}needle ${'word '.repeat(2_000)}`;
    const { start, end } = paragraphRange(long, ['needle'], 400);
    expect(end - start).toBeLessThanOrEqual(400);
    expect(long.slice(start, end)).toContain('needle');
  });

  it('handles an empty note', () => {
    expect(paragraphRange('', ['a'])).toEqual({ start: 0, end: 0 });
  });
});
