// The keyword snapshot's terms are found a page at a time (term-pages.ts): lookups across page
// boundaries must find what an index in memory finds, a restore must decode no page before a
// lookup needs one, and a page that does not fit its anchors is refused when it is decoded.
import { describe, expect, it } from 'vitest';
import { KeywordIndex, type IndexableNote } from '../../src/lib/search/keyword-index';
import { packSteps } from '../../src/lib/search/snapshot-columns';
import { TermPages, pageAnchors, pageTerms } from '../../src/lib/search/term-pages';
import { SnapshotFormatError } from '../../src/lib/search/snapshot-error';

const note = (id: string, content: string): IndexableNote => ({
  id,
  title: '',
  tags: [],
  path: `${id}.md`,
  kind: 'note',
  date: '',
  content,
});

/** Distinct words, some sharing long prefixes, some non-Latin: three pages and a bit. */
function words(count: number): string[] {
  return Array.from({ length: count }, (_, i) => {
    const stem = i % 3 === 0 ? 'lantern' : i % 3 === 1 ? 'лампа' : 'harbor';
    return `${stem}${i.toString(36)}`;
  });
}

function stored(values: number[][]) {
  const [termAt, offsets, byteAt] = values.map((v) => Uint32Array.from(v)) as [
    Uint32Array,
    Uint32Array,
    Uint32Array,
  ];
  return {
    pairSteps: packSteps(offsets),
    byteSteps: packSteps(byteAt),
    anchors: pageAnchors(termAt, offsets, byteAt),
  };
}

describe('keyword term pages', () => {
  it('decode each page from its anchors alone, and refuse one that does not fit', () => {
    const count = pageTerms * 2 + 5;
    const terms = Array.from({ length: count }, (_, i) => `t${String(i).padStart(5, '0')}`);
    const termAt = [0];
    const offsets = [0];
    const byteAt = [0];
    for (let i = 0; i < count; i++) {
      termAt.push(termAt[i]! + terms[i]!.length + 1);
      offsets.push(offsets[i]! + (i % 7) + (i === 5000 ? 300 : 0));
      byteAt.push(byteAt[i]! + (i % 11) * 200);
    }
    const text = `${terms.join('\n')}\n`;
    const pages = new TermPages({ terms: text, ...stored([termAt, offsets, byteAt]) }, count);
    expect(pages.pageCount).toBe(3);
    expect(pages.totalPairs).toBe(offsets[count]);
    // The last page first: nothing before it is needed.
    for (const i of [count, count - 1, pageTerms * 2, pageTerms, pageTerms - 1, 5000, 0]) {
      const { page, at } = pages.page(i);
      expect([page.termAt[at], page.offsets[at], page.byteAt[at]], String(i)).toEqual([
        termAt[i],
        offsets[i],
        byteAt[i],
      ]);
    }

    const wrong = stored([termAt, offsets, byteAt]);
    // A step changed inside the middle page: its end no longer meets the next anchor.
    const steps = wrong.pairSteps.slice();
    const mid = pageTerms + 10;
    steps[mid] = steps[mid]! + 1;
    const damaged = new TermPages({ terms: text, ...wrong, pairSteps: steps }, count);
    expect(() => damaged.page(0)).not.toThrow();
    expect(() => damaged.page(pageTerms + 1)).toThrow(SnapshotFormatError);
    expect(() => {
      for (let i = 0; i < count; i += pageTerms) damaged.page(i);
    }).toThrow(SnapshotFormatError);
    // Anchors that do not match the stored lengths are refused at once.
    expect(() => new TermPages({ terms: `${text}x\n`, ...wrong }, count)).toThrow(
      SnapshotFormatError,
    );
    expect(() => new TermPages({ terms: text, ...wrong }, count + pageTerms)).toThrow(
      SnapshotFormatError,
    );
    // A count off by one has as many pages: its last page cannot meet the end.
    const offByOne = new TermPages({ terms: text, ...wrong }, count + 1);
    expect(() => offByOne.page(count)).toThrow(SnapshotFormatError);
  });

  it('find exact words, prefixes and typos across page boundaries as the index in memory does', async () => {
    const all = words(pageTerms * 3 + 100);
    const own = KeywordIndex.create();
    for (let n = 0; n < 60; n++)
      own.upsert([note(`n${n}`, all.filter((_, i) => i % 60 === n).join(' '))]);
    const { index: data, parts } = await own.serialize(undefined, 4_096);
    const restored = KeywordIndex.restore(data, (wanted) =>
      Promise.resolve(wanted.map((p) => parts[p]!)),
    );
    const sorted = [...all].sort();
    const probes = [
      // Each page's first and last word, and their neighbours.
      ...[0, 1, pageTerms - 1, pageTerms, pageTerms + 1, pageTerms * 2, pageTerms * 3 - 1]
        .concat([pageTerms * 3, sorted.length - 1])
        .map((i) => sorted[i]!),
      'lantern',
      'лампа1',
      'harbor2',
      'harbr2s',
      'aaaa',
      'zzzz',
      'ё',
    ];
    // Scores may differ in the last bit: the restored index sums in another order.
    const shown = (matches: { id: string; score: number }[]) =>
      matches.map((m) => [m.id, Number(m.score.toPrecision(12))]);
    for (const query of probes) {
      const got = shown((await restored.findRead(query)).matches);
      expect(got, query).toEqual(shown(own.find(query).matches));
    }
    await restored.loadAll();
    const again = await (async () => {
      const packed = await restored.serialize();
      return KeywordIndex.restore(packed.index, packed.parts);
    })();
    for (const query of probes.slice(0, 5))
      expect(again.search(query).map((m) => m.id)).toEqual(own.search(query).map((m) => m.id));
  });
});
