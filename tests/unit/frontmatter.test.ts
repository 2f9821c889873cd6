import { describe, expect, it } from 'vitest';
import {
  readFrontmatter,
  setFrontmatterFields,
  splitFrontmatter,
} from '../../src/lib/vault/frontmatter';
import { deriveMeta } from '../../src/lib/vault/derive';

describe('frontmatter', () => {
  it('splits a file with and without frontmatter', () => {
    expect(splitFrontmatter('---\ntitle: A\n---\nbody')).toEqual({
      yaml: 'title: A',
      body: 'body',
    });
    expect(splitFrontmatter('# no frontmatter\n---\n')).toEqual({
      yaml: null,
      body: '# no frontmatter\n---\n',
    });
  });

  it('reads malformed YAML as empty instead of failing', () => {
    expect(readFrontmatter('---\ntitle: [unclosed\n---\nx')).toEqual({});
  });

  it('sets a field and keeps comments, other keys and the body byte for byte', () => {
    const before = '---\n# my comment\ntitle: Old\nauthor: me\n---\n\nBody *text*\n';
    const after = setFrontmatterFields(before, { title: 'New' });
    expect(after).toBe('---\n# my comment\ntitle: New\nauthor: me\n---\n\nBody *text*\n');
  });

  it('adds a block to a file without frontmatter and writes tags as a flow list', () => {
    const after = setFrontmatterFields('# Hello\n', { tags: ['a', 'b c'] });
    expect(after).toBe('---\ntags: [a, b c]\n---\n\n# Hello\n');
    expect(readFrontmatter(after)['tags']).toEqual(['a', 'b c']);
  });

  it('removes a field set to undefined', () => {
    expect(setFrontmatterFields('---\na: 1\nb: 2\n---\nx', { a: undefined })).toBe(
      '---\nb: 2\n---\nx',
    );
  });
});

describe('deriveMeta', () => {
  it('takes the title from frontmatter, then the first heading, then the file name', () => {
    expect(deriveMeta('a/b.md', '---\ntitle: T\n---\n# H', '2026-01-01').title).toBe('T');
    expect(deriveMeta('a/b.md', 'text\n## Heading two ##\n', '2026-01-01').title).toBe(
      'Heading two',
    );
    expect(deriveMeta('a/b.md', 'plain', '2026-01-01').title).toBe('b');
  });

  it('recognises journal entries by path or frontmatter and keys them by date', () => {
    expect(deriveMeta('journal/2026-11-26.md', 'x', '2020-01-01')).toMatchObject({
      kind: 'journal',
      date: '2026-11-26',
    });
    expect(
      deriveMeta('days/x.md', '---\nkind: journal\ndate: 2025-02-03\n---\n', '2020-01-01'),
    ).toMatchObject({
      kind: 'journal',
      date: '2025-02-03',
    });
    expect(deriveMeta('notes/x.md', 'x', '2020-01-01')).toMatchObject({
      kind: 'note',
      date: '2020-01-01',
    });
  });

  it('normalizes tags from a list or a comma string', () => {
    expect(deriveMeta('x.md', '---\ntags: "#a, b, a"\n---\n', '2020-01-01').tags).toEqual([
      'a',
      'b',
    ]);
    expect(deriveMeta('x.md', '---\ntags: [1, x]\n---\n', '2020-01-01').tags).toEqual(['1', 'x']);
  });
});

describe('frontmatter edge cases', () => {
  it('ends the block only at a fence that starts a line', () => {
    const text = '---\ntitle: Wait...\ntags: [a]\n---\nbody';
    expect(readFrontmatter(text)).toEqual({ title: 'Wait...', tags: ['a'] });
    expect(setFrontmatterFields(text, { title: 'Done' })).toBe(
      '---\ntitle: Done\ntags: [a]\n---\nbody',
    );
  });

  it('treats a leading horizontal rule followed by prose as body, not frontmatter', () => {
    const text = '---\nJust a thought\n---\nmore';
    expect(splitFrontmatter(text)).toEqual({ yaml: null, body: text });
    expect(setFrontmatterFields(text, { title: 'T' })).toBe(`---\ntitle: T\n---\n\n${text}`);
  });

  it('accepts an empty block and refuses to rewrite invalid YAML with a clear message', () => {
    expect(splitFrontmatter('---\n---\nx')).toEqual({ yaml: '', body: 'x' });
    expect(() => setFrontmatterFields('---\ntitle: [oops\n---\nx', { title: 'T' })).toThrow(
      /not valid YAML/,
    );
  });
});
