// The keyword snapshot's compact fields (snapshot-columns.ts): what is packed comes back as it
// was, and a field cut or shifted is refused rather than misread.
import { describe, expect, it } from 'vitest';
import { packDocs, unpackDocs } from '../../src/lib/search/snapshot-columns';
import { SnapshotFormatError } from '../../src/lib/search/snapshot-error';
import type { StoredKeywordDoc } from '../../src/lib/db/search-source';

const docs: StoredKeywordDoc[] = [
  {
    id: 'a1',
    title: 'Café — naïve 東京 🙂',
    path: 'fr/notes/café.md',
    kind: 'note',
    date: '2024-05-01',
    tags: ['voyage', '日本'],
    lengths: [3, 2, 4, 250],
  },
  { id: 'b2', title: '', path: 'b.md', kind: 'journal', date: '', tags: [], lengths: [0, 0, 1, 0] },
  {
    id: 'c3',
    title: 'x'.repeat(300),
    path: 'deep/'.repeat(40),
    kind: 'note',
    date: '2023-01-02',
    tags: ['t'],
    lengths: [1, 1, 40, 70_000],
  },
];

describe('keyword snapshot columns', () => {
  it('gives the notes back field for field', () => {
    expect(unpackDocs(packDocs(docs))).toEqual(docs);
    expect(unpackDocs(packDocs([]))).toEqual([]);
  });

  it('refuses notes whose text or lengths do not fit', () => {
    const packed = packDocs(docs);
    expect(() => unpackDocs({ ...packed, text: packed.text.slice(1) })).toThrow(
      SnapshotFormatError,
    );
    expect(() => unpackDocs({ ...packed, text: `${packed.text}x` })).toThrow(SnapshotFormatError);
    expect(() => unpackDocs({ ...packed, count: 2 })).toThrow(SnapshotFormatError);
    expect(() => unpackDocs({ ...packed, lengths: packed.lengths.slice(0, -1) })).toThrow(
      SnapshotFormatError,
    );
  });
});
