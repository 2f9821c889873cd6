import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { corpusDir } from '../fixtures/corpus';
import { describe, expect, it } from 'vitest';
import { buildSnippet, snippetChars } from '../../src/lib/search/snippet';
import { splitFrontmatter } from '../../src/lib/vault/frontmatter';
import type { SnippetPart } from '../../src/lib/types';

const marked = (parts: SnippetPart[]) => parts.filter((p) => p.hit).map((p) => p.text);
const plain = (parts: SnippetPart[]) => parts.map((p) => p.text).join('');
const page = (path: string) => splitFrontmatter(readFileSync(join(corpusDir, path), 'utf8')).body;

describe('buildSnippet', () => {
  it('marks every occurrence of each query word, whatever its case', () => {
    const parts = buildSnippet(
      'Tar makes an archive. Extract the ARCHIVE with tar.',
      'archive tar',
    );
    expect(marked(parts)).toEqual(['Tar', 'archive', 'ARCHIVE', 'tar']);
    expect(plain(parts)).toBe('Tar makes an archive. Extract the ARCHIVE with tar.');
  });

  it('marks words the last query word begins (typing) and fuzzy matches the index reported', () => {
    const parts = buildSnippet('Archives and directories; a directry typo.', 'archives dir', [
      'directry',
    ]);
    expect(marked(parts)).toEqual(['Archives', 'directories', 'directry']);
  });

  it('shows a window around the first match, cut at word boundaries, with ellipses', () => {
    const before = 'lorem ipsum dolor sit amet '.repeat(20);
    const after = ' consectetur adipiscing elit'.repeat(20);
    const parts = buildSnippet(`${before}needle${after}`, 'needle');
    const text = plain(parts);
    expect(text.startsWith('…')).toBe(true);
    expect(text.endsWith('…')).toBe(true);
    expect(text.length).toBeLessThanOrEqual(snippetChars + 4);
    expect(marked(parts)).toEqual(['needle']);
    expect(text.indexOf('needle')).toBeGreaterThan(30);
    // Cut between words, not inside one.
    expect(text).toMatch(/^…(lorem|ipsum|dolor|sit|amet) /);
    expect(text).toMatch(/ (consectetur|adipiscing|elit)…$/);
  });

  it('starts at the beginning when the match is in the title only', () => {
    const parts = buildSnippet('\n\n  First line of the note.\nSecond line.', 'title-word');
    expect(parts).toEqual([{ text: 'First line of the note. Second line.', hit: false }]);
  });

  it('highlights a Japanese word in the 7z page even where the dictionary splits it', () => {
    const parts = buildSnippet(page('pages.ja/common/7z.md'), 'アーカイバ');
    expect(marked(parts)).toContain('アーカイバ');
  });

  it('highlights Chinese words of the query in the tar page', () => {
    const parts = buildSnippet(page('pages.zh/common/tar.md'), '压缩 文件');
    expect(marked(parts)).toEqual(expect.arrayContaining(['压缩', '文件']));
    expect(plain(parts)).toContain('归档实用程序');
  });

  it('maps half-width katakana back to the original text', () => {
    const parts = buildSnippet('燃料はｶﾞｿﾘﾝです', 'ガソリン');
    expect(marked(parts)).toEqual(['ｶﾞｿﾘﾝ']);
  });

  it('returns markup as plain text, never as HTML', () => {
    const parts = buildSnippet('<img src=x onerror=alert(1)> hello', 'hello');
    expect(plain(parts)).toBe('<img src=x onerror=alert(1)> hello');
    expect(marked(parts)).toEqual(['hello']);
  });

  it('returns nothing for an empty body', () => {
    expect(buildSnippet('   \n', 'x')).toEqual([]);
  });
});
