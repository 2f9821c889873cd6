import { describe, expect, it } from 'vitest';
import { defaultRrfK, groupByNote, reciprocalRankFusion } from '../../src/lib/search/fusion';

describe('reciprocalRankFusion', () => {
  it('sums weight / (k + rank) over the lists holding an item', () => {
    const fused = reciprocalRankFusion([
      ['a', 'b', 'c'],
      ['c', 'a'],
    ]);
    expect(fused.map((f) => f.key)).toEqual(['a', 'c', 'b']);
    const a = fused[0]!;
    expect(a.score).toBeCloseTo(1 / (defaultRrfK + 1) + 1 / (defaultRrfK + 2), 12);
    expect(a.ranks).toEqual([
      { list: 0, rank: 1 },
      { list: 1, rank: 2 },
    ]);
    expect(fused[2]).toMatchObject({ key: 'b', ranks: [{ list: 0, rank: 2 }] });
  });

  it('lets agreement between lists beat a top rank in one', () => {
    const fused = reciprocalRankFusion([
      ['solo', 'x1', 'both'],
      ['y1', 'y2', 'both'],
    ]);
    expect(fused[0]!.key).toBe('both');
  });

  it('applies weights and k', () => {
    const lists = [['a'], ['b']];
    expect(reciprocalRankFusion(lists, { weights: [1, 2] }).map((f) => f.key)).toEqual(['b', 'a']);
    const fused = reciprocalRankFusion(lists, { k: 0, weights: [0.5] });
    expect(fused.map((f) => [f.key, f.score])).toEqual([
      ['b', 1],
      ['a', 0.5],
    ]);
    expect(() => reciprocalRankFusion(lists, { k: -1 })).toThrow(RangeError);
    expect(() => reciprocalRankFusion(lists, { weights: [Number.NaN] })).toThrow(RangeError);
  });

  it('breaks ties by best rank, then by list order, whatever the input order of equal items', () => {
    const fused = reciprocalRankFusion([
      ['p', 'q'],
      ['r', 's'],
    ]);
    expect(fused.map((f) => f.key)).toEqual(['p', 'r', 'q', 's']);
    // Mirror-image ranks give equal scores and equal best ranks: the earlier list decides.
    const mirrored = reciprocalRankFusion([
      ['m', 'x', 'n'],
      ['n', 'y', 'm'],
    ]);
    const [first, second] = mirrored;
    expect(first!.score).toBeCloseTo(second!.score, 12);
    expect([first!.key, second!.key]).toEqual(['m', 'n']);
  });

  it('is generic over items with a key function and keeps the first item seen', () => {
    type Hit = { id: string; from: string };
    const keyword: Hit[] = [{ id: 'n1', from: 'keyword' }];
    const semantic: Hit[] = [
      { id: 'n2', from: 'semantic' },
      { id: 'n1', from: 'semantic' },
    ];
    const fused = reciprocalRankFusion<Hit>([keyword, semantic], { key: (h) => h.id });
    expect(fused.map((f) => [f.key, f.item.from, f.ranks.map((r) => r.list)])).toEqual([
      ['n1', 'keyword', [0, 1]],
      ['n2', 'semantic', [1]],
    ]);
  });

  it('counts an item listed twice in one list at its first place only', () => {
    const fused = reciprocalRankFusion([['a', 'b', 'a']]);
    expect(fused.map((f) => [f.key, f.ranks])).toEqual([
      ['a', [{ list: 0, rank: 1 }]],
      ['b', [{ list: 0, rank: 2 }]],
    ]);
  });

  it('handles no lists and empty lists', () => {
    expect(reciprocalRankFusion([])).toEqual([]);
    expect(reciprocalRankFusion([[], []])).toEqual([]);
  });

  it('is deterministic on large random inputs', () => {
    const lists = [0, 1, 2].map((l) =>
      Array.from({ length: 500 }, (_, i) => `item${(i * (l + 3) * 7919) % 701}`),
    );
    const once = reciprocalRankFusion(lists);
    expect(reciprocalRankFusion(lists)).toEqual(once);
    for (let i = 1; i < once.length; i++) {
      expect(once[i - 1]!.score).toBeGreaterThanOrEqual(once[i]!.score - 1e-12);
    }
  });
});

describe('groupByNote', () => {
  it('keeps one group per note in the order of its best chunk, with all its chunks', () => {
    const hits = [
      { noteId: 'a', start: 10, end: 20 },
      { noteId: 'b', start: 0, end: 5 },
      { noteId: 'a', start: 40, end: 60 },
      { noteId: 'c', start: 3, end: 9 },
    ];
    const groups = groupByNote(hits);
    expect(groups.map((g) => [g.noteId, g.rank, g.best.start])).toEqual([
      ['a', 1, 10],
      ['b', 2, 0],
      ['c', 4, 3],
    ]);
    expect(groups[0]!.chunks.map((c) => [c.start, c.end])).toEqual([
      [10, 20],
      [40, 60],
    ]);
    expect(groupByNote([])).toEqual([]);
  });

  it('feeds note-level fusion with chunk hits', () => {
    const keywordNotes = ['b', 'a'];
    const semanticChunks = [
      { noteId: 'a', start: 1, end: 2 },
      { noteId: 'a', start: 5, end: 8 },
      { noteId: 'c', start: 0, end: 4 },
    ];
    const groups = groupByNote(semanticChunks);
    const fused = reciprocalRankFusion([keywordNotes, groups.map((g) => g.noteId)]);
    expect(fused.map((f) => f.key)).toEqual(['a', 'b', 'c']);
    expect(fused[0]!.ranks.map((r) => r.list)).toEqual([0, 1]);
  });
});
