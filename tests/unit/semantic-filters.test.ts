// Filters apply before ranking: notes in (fake) IndexedDB, 30 chunk vectors each in the vector
// store, and a filter matching 1 % of the notes. The search returns k hits from those notes, the
// exact best k among their chunks, although none of them is near the top of an unfiltered search.
// The note metadata the memory worker filters on follows edits and the trash.
import { beforeAll, describe, expect, it } from 'vitest';
import { VectorStore } from '../../src/lib/search/vector-store';
import { NoteCatalog } from '../../src/lib/search/note-catalog';
import { semanticSearch } from '../../src/lib/search/semantic-search';
import { quantizeInt8, dequantizeInt8 } from '../../src/lib/search/quantize';
import { saveEmbedded, type ChunkRecord, type VectorRecord } from '../../src/lib/db/memory-repo';
import type { SearchFilters } from '../../src/lib/types';
import { createNote, saveContent, trashNote } from '../fixtures/notes';
import { vectorSource } from '../fixtures/clustered-vectors';

const d = 384;
const modelId = 'test:filters';
const notesCount = 200;
const chunksPerNote = 30;
const k = 10;

const noteIds: string[] = [];
/** The two notes (1 %) tagged `rare`, dated 2020-01-05, in `projects/alpha`. */
const rare: string[] = [];
const vectorsOf = new Map<number, Float32Array>();
const noteOfLabel = new Map<number, string>();
let store: VectorStore;
let catalog: NoteCatalog;
let query: Float32Array;

const frontmatter = (tags: string[], date: string) =>
  `---\ntags: [${tags.join(', ')}]\ndate: ${date}\n---\n\n`;

function exactTop(noteSet: Set<string>, count: number): number[] {
  return [...vectorsOf]
    .filter(([label]) => noteSet.has(noteOfLabel.get(label)!))
    .map(([label, v]) => ({ label, score: v.reduce((s, x, i) => s + x * query[i]!, 0) }))
    .sort((a, b) => b.score - a.score)
    .slice(0, count)
    .map((h) => h.label);
}

/** The label ends the chunk id; the note id before it may itself start with `c`. */
const labelOf = (chunkId: string) => Number(/\|c(\d+)$/.exec(chunkId)?.[1]);

async function search(filters: SearchFilters, count = k) {
  const hits = await semanticSearch(store, query, 'query', filters, count, catalog);
  return hits.map((h) => ({ noteId: h.noteId, label: labelOf(h.chunkId) }));
}

beforeAll(async () => {
  const source = vectorSource(notesCount * chunksPerNote, {
    dimensions: d,
    seed: 3,
    shape: 'mean',
  });
  let label = 1;
  for (let n = 0; n < notesCount; n++) {
    const isRare = n % 100 === 42;
    const body = `${frontmatter(isRare ? ['rare'] : ['common'], isRare ? '2020-01-05' : '2024-03-01')}# Note ${n}\n\n${'Some text. '.repeat(40)}`;
    const note = await createNote(`Note ${n}`, isRare ? 'projects/alpha' : 'projects/other', body);
    noteIds.push(note.id);
    if (isRare) rare.push(note.id);
    const vectors = source.batch(chunksPerNote);
    const { q, scales } = quantizeInt8(vectors, d);
    const chunks: ChunkRecord[] = [];
    const rows: VectorRecord[] = [];
    for (let c = 0; c < chunksPerNote; c++, label++) {
      const id = `${modelId}|${note.id}|c${label}`;
      chunks.push({
        id,
        modelId,
        noteId: note.id,
        label,
        hash: `c${label}`,
        seq: c,
        start: 0,
        end: 20,
        headingPath: [],
        tokenCount: 5,
      });
      rows.push({ chunkId: id, modelId, label, q: q.slice(c * d, (c + 1) * d), scale: scales[c]! });
      vectorsOf.set(label, dequantizeInt8(rows[c]!.q, Float32Array.of(scales[c]!), d));
      noteOfLabel.set(label, note.id);
    }
    await saveEmbedded(modelId, chunks, rows);
  }
  store = await VectorStore.open(modelId, d, {
    onError: (message) => {
      throw new Error(message);
    },
  });
  await store.checked();
  catalog = new NoteCatalog();
  await catalog.ready();
  query = vectorSource(1, { dimensions: d, seed: 3, shape: 'mean' }).batch(1);
});

describe('semantic search with filters', () => {
  it('ranks only the filtered notes’ chunks: k hits from 1 % of the notes, the exact best k', async () => {
    expect(store.index.size).toBe(notesCount * chunksPerNote);
    expect(store.info.recall?.recall).toBeGreaterThanOrEqual(0.95);
    // An unfiltered search would not find them: none is near the top.
    const unfiltered = await search({}, 60);
    expect(unfiltered.filter((h) => rare.includes(h.noteId)).length).toBeLessThan(k);

    const expected = exactTop(new Set(rare), k);
    for (const filters of [
      { tag: 'rare' },
      { folder: 'projects/alpha' },
      { folder: '/projects/alpha/' },
      { from: '2020-01-01', to: '2020-12-31' },
      { kind: 'note' as const, tag: 'rare', folder: 'projects' },
    ]) {
      const hits = await search(filters);
      expect(hits, JSON.stringify(filters)).toHaveLength(k);
      expect(hits.every((h) => rare.includes(h.noteId))).toBe(true);
      expect(hits.map((h) => h.label)).toEqual(expected);
    }
    expect(await search({ folder: 'projects/alph' })).toEqual([]);
    expect(await search({ tag: 'nowhere' })).toEqual([]);
  });

  it('follows edits and the trash', async () => {
    const joined = noteIds.find((id) => !rare.includes(id))!;
    await saveContent(joined, `${frontmatter(['rare'], '2020-02-02')}# Joined\n\nNow rare too.`);
    await catalog.apply({ type: 'notes-changed', ids: [joined] });
    const all = await search({ tag: 'rare' }, 3 * chunksPerNote);
    expect(new Set(all.map((h) => h.noteId))).toEqual(new Set([...rare, joined]));

    await trashNote(rare[0]!);
    await catalog.apply({ type: 'notes-changed', ids: [rare[0]!] });
    const left = await search({ tag: 'rare' }, 3 * chunksPerNote);
    expect(new Set(left.map((h) => h.noteId))).toEqual(new Set([rare[1]!, joined]));
  });
});
