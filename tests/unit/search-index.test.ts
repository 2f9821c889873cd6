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
import { SnapshotFormatError } from '../../src/lib/search/snapshot-error';

async function roundTrip(index: KeywordIndex): Promise<KeywordIndex> {
  const { index: data, parts } = await index.serialize();
  return KeywordIndex.restore(data, parts);
}

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

  it('indexes a long note in steps, keeping the old version searchable until the last one', () => {
    const own = KeywordIndex.create();
    own.upsert([note('long', 'Before: quokka.')]);
    const body = `${'filler words here and there '.repeat(2_000)} pangolin`;
    const job = own.begin(note('long', body));
    let steps = 1;
    // A deadline already past: each step does one piece of the body, then stops.
    while (!job.step(0)) {
      steps++;
      expect(ids(own, 'quokka')).toEqual(['long']);
      expect(ids(own, 'pangolin')).toEqual([]);
    }
    expect(steps).toBeGreaterThan(5);
    expect(ids(own, 'pangolin')).toEqual(['long']);
    expect(ids(own, 'quokka')).toEqual([]);
    expect(own.documentCount).toBe(1);
  });

  it('keeps many notes and large term frequencies across a snapshot', async () => {
    const own = KeywordIndex.create();
    own.upsert(Array.from({ length: 400 }, (_, i) => note(`n${i}`, `common ${'echo '.repeat(i)}`)));
    own.remove(['n7']);
    const restored = await roundTrip(own);
    expect(restored.documentCount).toBe(399);
    expect(restored.find('common').total).toBe(399);
    // Scores depend on every frequency (up to 399 here): the order survives the round trip.
    expect(restored.search('echo').map((m) => m.id)).toEqual(own.search('echo').map((m) => m.id));
    expect(ids(restored, 'echo')[0]).toBe('n399');
  });

  it('keeps indexing after a restore: old and new notes found alike, and saved again', async () => {
    const before = KeywordIndex.create();
    before.upsert([
      note('old1', 'Harbour lights and lighthouse keepers.'),
      note('old2', 'The lighthouse stands on granite.'),
    ]);
    const restored = await roundTrip(before);
    restored.upsert([
      note('new1', 'A lighthouse on basalt, lightly painted.'),
      note('old2', 'Rewritten: a lightship now.'),
    ]);
    // Exact terms held by the restored arrays, the new notes, or both.
    expect(ids(restored, 'lighthouse').sort()).toEqual(['new1', 'old1']);
    expect(ids(restored, 'granite')).toEqual([]);
    // Prefixes and typos over both.
    expect(ids(restored, 'ligh').sort()).toEqual(['new1', 'old1', 'old2']);
    expect(ids(restored, 'lihgthouse').sort()).toEqual(['new1', 'old1']);
    const again = await roundTrip(restored);
    for (const query of ['lighthouse', 'ligh', 'basalt', 'lightship', 'harbour lights']) {
      expect(ids(again, query), query).toEqual(ids(restored, query));
    }
    expect(again.documentCount).toBe(3);
  });

  it('restores searchable before any postings part is read, and reads only the parts a search needs', async () => {
    const own = KeywordIndex.create();
    own.upsert(sample);
    own.upsert(
      Array.from({ length: 300 }, (_, i) =>
        note(`x${i}`, `filler${i} word${i % 37} shared ${'alpha '.repeat(i % 5)}`),
      ),
    );
    const { index: data, parts } = await own.serialize(undefined, 256);
    expect(parts.length).toBeGreaterThan(10);
    const asked: number[] = [];
    const lazy = KeywordIndex.restore(data, (wanted) => {
      asked.push(...wanted);
      return Promise.resolve(wanted.map((p) => parts[p]!));
    });
    expect(lazy.documentCount).toBe(own.documentCount);
    expect(lazy.complete).toBe(false);
    // Exact words, a prefix (the last word) and a typo: each asks for the parts it needs.
    for (const query of ['shared', 'word3', 'filler29', 'lighthou', 'lihgthouse', 'alpha fill']) {
      const got = (await lazy.findRead(query)).matches.map((m) => [m.id, m.score]);
      expect(got, query).toEqual(own.find(query).matches.map((m) => [m.id, m.score]));
    }
    expect(new Set(asked).size).toBe(asked.length);
    expect(asked.length).toBeLessThan(parts.length);
    await lazy.loadAll();
    expect(lazy.complete).toBe(true);
    expect(new Set(asked).size).toBe(parts.length);
  });

  it('refuses a postings part that does not fit its snapshot', async () => {
    const own = KeywordIndex.create();
    own.upsert(sample);
    const { index: data, parts } = await own.serialize(undefined, 64);
    const cut = parts.map((part, i) => (i === 1 ? part.slice(0, part.length - 1) : part));
    expect(() => KeywordIndex.restore(data, cut)).toThrow(SnapshotFormatError);
    const lazy = KeywordIndex.restore(data, (wanted) =>
      Promise.resolve(wanted.map((p) => cut[p]!)),
    );
    await expect(lazy.loadAll()).rejects.toThrow(SnapshotFormatError);
    const shortCounts = { ...data, pairCounts: data.pairCounts.subarray(1) };
    expect(() => KeywordIndex.restore(shortCounts, parts)).toThrow(SnapshotFormatError);
    const lostTerm = { ...data, terms: data.terms.slice(data.terms.indexOf('\n') + 1) };
    expect(() => KeywordIndex.restore(lostTerm, parts)).toThrow(SnapshotFormatError);
    const docs = { ...data.docs, text: data.docs.text.slice(1) };
    expect(() => KeywordIndex.restore({ ...data, docs }, parts)).toThrow(SnapshotFormatError);
  });

  it('caps the expansion of a one- or two-letter prefix to its most frequent terms', () => {
    const own = KeywordIndex.create();
    const words = Array.from({ length: 300 }, (_, i) => `qa${i.toString(36)}x`);
    own.upsert(words.map((w, i) => note(`n${i}`, `${w} ${i < 5 ? 'qafrequent '.repeat(3) : ''}`)));
    own.upsert([note('extra', 'qafrequent')]);
    // Every one of the 300 terms begins with "qa", but only the most frequent ones are used.
    const found = own.find('qa', {}, 1000);
    expect(found.total).toBeLessThan(300);
    expect(found.matches.map((m) => m.id)).toEqual(expect.arrayContaining(['n0', 'extra']));
    // A longer prefix is specific enough to expand fully.
    expect(own.find('qa1', {}, 1000).total).toBe(words.filter((w) => w.startsWith('qa1')).length);
  });

  it('looks up typos only for a word that finds few notes as typed', () => {
    const own = KeywordIndex.create();
    own.upsert([
      ...Array.from({ length: 6 }, (_, i) => note(`m${i}`, 'the mountain path')),
      note('typo', 'a mountian hut'),
    ]);
    // Six notes hold the word as typed: the one-edit neighbour is not added.
    expect(ids(own, 'mountain')).not.toContain('typo');
    // Only the misspelt note holds it as typed: its neighbours are looked up too.
    expect(ids(own, 'mountian').sort()).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'typo']);
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
    const restored = await roundTrip(index);
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
