import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { corpusDir } from '../fixtures/corpus';
import {
  KeywordIndex,
  type IndexableNote,
  type KeywordMatch,
} from '../../src/lib/search/keyword-index';
import { deriveMeta } from '../../src/lib/vault/derive';

function note(id: string, content: string, over: Partial<IndexableNote> = {}): IndexableNote {
  return {
    id,
    title: id,
    tags: [],
    path: `${id}.md`,
    kind: 'note',
    date: '2024-05-01',
    content,
    ...over,
  };
}

const sample: IndexableNote[] = [
  note('tar', '---\ntags: [archive]\n---\nCreate an archive and compress it with gzip.', {
    title: 'tar',
    tags: ['archive', 'cli'],
    date: '2024-01-10',
  }),
  note('zip', 'Package and compress (archive) files.', { tags: ['archive'], date: '2024-02-20' }),
  note('ls', 'List directory contents.', { tags: ['cli'], date: '2024-03-30' }),
  note('j1', 'Went hiking today, then read about archive formats.', {
    kind: 'journal',
    path: 'journal/2024-04-02.md',
    title: 'Tuesday',
    date: '2024-04-02',
  }),
  note('de', 'Verzeichnisse auflisten und Dateien komprimieren.', {
    title: 'Dateien',
    date: '2024-04-05',
  }),
];

const ids = (index: KeywordIndex, query: string, filters = {}) =>
  index.search(query, filters).map((m) => m.id);

describe('KeywordIndex', () => {
  const index = KeywordIndex.create();
  index.upsert(sample);

  it('finds words in body, title, tags and path; requires every query word', () => {
    expect(ids(index, 'compress').sort()).toEqual(['tar', 'zip']);
    expect(ids(index, 'archive gzip')).toEqual(['tar']);
    expect(ids(index, 'cli').sort()).toEqual(['ls', 'tar']);
    expect(ids(index, 'komprimieren')).toEqual(['de']);
  });

  it('does not index frontmatter as body text', () => {
    expect(ids(index, 'tags')).toEqual([]);
  });

  it('treats the last word as a prefix and forgives a typo in longer words', () => {
    expect(ids(index, 'direc')).toEqual(['ls']);
    expect(ids(index, 'hikng today')).toEqual(['j1']);
    expect(ids(index, 'lis')).toContain('ls');
  });

  it('ranks title matches first', () => {
    expect(ids(index, 'tar')[0]).toBe('tar');
  });

  it('filters by kind, tag and inclusive date range', () => {
    expect(ids(index, 'archive', { kind: 'journal' })).toEqual(['j1']);
    expect(ids(index, 'archive', { kind: 'note' }).sort()).toEqual(['tar', 'zip']);
    expect(ids(index, 'archive', { tag: 'cli' })).toEqual(['tar']);
    expect(ids(index, 'archive', { from: '2024-02-20', to: '2024-04-02' }).sort()).toEqual([
      'j1',
      'zip',
    ]);
    expect(ids(index, 'archive', { to: '2024-01-10' })).toEqual(['tar']);
  });

  it('replaces and removes notes', () => {
    const own = KeywordIndex.create();
    own.upsert(sample);
    own.upsert([note('zip', 'Nothing about that any more.')]);
    expect(ids(own, 'compress')).toEqual(['tar']);
    own.remove(['tar', 'missing']);
    expect(ids(own, 'compress')).toEqual([]);
    expect(own.documentCount).toBe(sample.length - 1);
    expect(own.ids()).not.toContain('tar');
  });

  it('returns nothing for an empty or punctuation-only query', () => {
    expect(ids(index, '')).toEqual([]);
    expect(ids(index, ' ,.; ')).toEqual([]);
  });
});

describe('KeywordIndex on the tldr Japanese and Chinese pages', () => {
  const root = corpusDir;
  const index = KeywordIndex.create();

  beforeAll(() => {
    const notes: IndexableNote[] = [];
    for (const lang of ['pages.ja', 'pages.zh']) {
      for (const platform of readdirSync(join(root, lang))) {
        for (const file of readdirSync(join(root, lang, platform))) {
          const path = `${lang}/${platform}/${file}`;
          const content = readFileSync(join(root, path), 'utf8');
          notes.push({ id: path, path, content, ...deriveMeta(path, content, '2024-01-01') });
        }
      }
    }
    index.upsert(notes);
  });

  it('finds a Japanese page by a word its dictionary segmentation splits (アーカイバ → 7z)', () => {
    const found = ids(index, 'アーカイバ');
    expect(found).toContain('pages.ja/common/7z.md');
    expect(found.every((id) => id.startsWith('pages.ja/'))).toBe(true);
  });

  it('finds the Japanese and Chinese tar pages by their own words', () => {
    expect(ids(index, 'アーカイブ 展開')).toContain('pages.ja/common/tar.md');
    expect(ids(index, '归档实用程序')).toContain('pages.zh/common/tar.md');
    expect(ids(index, '压缩文件 tar')).toContain('pages.zh/common/tar.md');
  });

  it('matches a CJK prefix while typing', () => {
    expect(ids(index, '归档实用程')).toContain('pages.zh/common/tar.md');
  });

  it('restores from its serialized form with identical results', async () => {
    const restored = await KeywordIndex.restore(index.serialize());
    expect(restored.documentCount).toBe(index.documentCount);
    expect(restored.ids().sort()).toEqual(index.ids().sort());
    for (const query of [
      'アーカイバ',
      '归档',
      'tar',
      'gzip 压缩',
      'ディレクトリ',
      'git コミット',
    ]) {
      // Scores may differ in the last bit: the restored index sums in another order.
      const normal = (m: KeywordMatch) => ({
        ...m,
        score: Number(m.score.toPrecision(12)),
        terms: [...m.terms].sort(),
      });
      expect(restored.search(query).map(normal), query).toEqual(index.search(query).map(normal));
    }
    expect(ids(restored, 'git', { tag: 'nope' })).toEqual([]);
  });
});
