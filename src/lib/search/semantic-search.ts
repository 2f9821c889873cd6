// Semantic search over one model's vector store: nearest chunks, turned into hits with their
// note's metadata, with a snippet of the chunk's own text. Filters (kind, tag, folder, dates) pick
// the chunks the index may rank before it ranks them, so a filter matching 1 % of the notes still
// returns k hits when k exist.
import type { SearchFilters } from '../types';
import type { VectorStore } from './vector-store';
import type { ChunkHit } from './memory-types';
import type { VectorHit } from './vector-index';
import { hasFilters, matchesNoteFilters } from './note-filters';
import { NoteCatalog } from './note-catalog';
import { buildSnippet } from './snippet';
import { dequantizeInt8 } from './quantize';
import * as repo from '../db/memory-repo';
import { readNotesForIndex, type NoteForIndex } from '../db/search-source';
import type { ChunkRecord } from '../db/db';

/**
 * Hits of trashed notes (not yet dropped by the indexer) are skipped after the index search, so it
 * is asked for a few more than `k`, and again for more if that was not enough.
 */
const spare = 10;

/** A passage of `note` as a search hit, its snippet marking the query's words. */
export function chunkHit(
  note: NoteForIndex,
  chunk: Pick<ChunkHit, 'chunkId' | 'start' | 'end' | 'headingPath'> | ChunkRecord,
  score: number,
  query: string,
): ChunkHit {
  const text = note.content.slice(chunk.start, chunk.end);
  return {
    chunkId: 'chunkId' in chunk ? chunk.chunkId : chunk.id,
    noteId: note.id,
    title: note.title,
    path: note.path,
    kind: note.kind,
    date: note.date,
    tags: note.tags,
    score,
    start: chunk.start,
    end: chunk.end,
    headingPath: chunk.headingPath,
    text,
    snippet: buildSnippet(text, query),
  };
}

/** Turns index hits into chunk hits, best first, dropping trashed notes and filtered ones. */
export async function hitsFor(
  store: VectorStore,
  found: VectorHit[],
  query: string,
  filters: SearchFilters,
  k: number,
  excludeNote?: string,
): Promise<ChunkHit[]> {
  const chunks = await repo.chunksByLabels(
    store.modelId,
    found.map((h) => h.label),
  );
  const scoreOf = new Map(found.map((h) => [h.label, h.score]));
  const notes = new Map(
    (await readNotesForIndex([...new Set(chunks.map((c) => c.noteId))])).map((n) => [n.id, n]),
  );
  const hits: ChunkHit[] = [];
  for (const chunk of chunks) {
    const note = notes.get(chunk.noteId);
    if (!note || note.deletedAt !== 0 || note.id === excludeNote) continue;
    if (!matchesNoteFilters(note, filters)) continue;
    hits.push(chunkHit(note, chunk, scoreOf.get(chunk.label) ?? 0, query));
    if (hits.length >= k) break;
  }
  return hits;
}

export async function semanticSearch(
  store: VectorStore,
  queryVector: Float32Array,
  query: string,
  filters: SearchFilters,
  k: number,
  notes?: NoteCatalog,
): Promise<ChunkHit[]> {
  let allowed: number[] | undefined;
  if (hasFilters(filters)) {
    const catalog = notes ?? new NoteCatalog();
    await catalog.ready();
    allowed = store.labelNotes.labelsOf(catalog.matching(filters));
    if (allowed.length === 0) return [];
  }
  for (let ask = k + spare; ; ask *= 4) {
    const found = store.index.search(queryVector, ask, allowed);
    const hits = await hitsFor(store, found, query, filters, k);
    if (hits.length >= k || found.length < ask) return hits;
  }
}

/** The mean of a note's chunk vectors, normalized: what the note is about as a whole. */
export async function noteVector(store: VectorStore, noteId: string): Promise<Float32Array | null> {
  const chunks = await repo.chunksOfNote(store.modelId, noteId);
  const rows = await repo.vectorsByLabels(
    store.modelId,
    chunks.map((c) => c.label),
  );
  if (rows.length === 0) return null;
  const dims = store.dimensions;
  const mean = new Float32Array(dims);
  for (const row of rows) {
    const v = dequantizeInt8(row.q, Float32Array.of(row.scale), dims);
    for (let i = 0; i < dims; i++) mean[i]! += v[i]!;
  }
  let norm = 0;
  for (let i = 0; i < dims; i++) norm += mean[i]! * mean[i]!;
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < dims; i++) mean[i]! /= norm;
  return mean;
}
