// Hybrid search results: the keyword index's notes and the vector index's chunks, fused by
// reciprocal rank at note level. Each result says which side found it and, where a chunk is
// known, the passage to jump to.
import type { SearchHit } from '../types';
import type { ChunkHit } from './memory-types';
import { groupByNote, reciprocalRankFusion } from './fusion';

export type HitSource = 'keyword' | 'semantic';

export interface HybridHit extends SearchHit {
  sources: HitSource[];
  /** The passage to open at: the semantic chunk, or the chunk with most query words. */
  at: { start: number; end: number } | null;
  headingPath: string[];
  /** Cosine similarity of the best chunk, when the vector side found the note. */
  similarity: number | null;
}

export function fuseHybrid(
  keyword: SearchHit[],
  semantic: ChunkHit[],
  jumps: ChunkHit[] = [],
): HybridHit[] {
  // Vector hits are chunks; results are notes, each with its best chunk.
  const semanticNotes = groupByNote(semantic).map((g) => g.best);
  const jumpByNote = new Map(jumps.map((j) => [j.noteId, j]));
  const keywordById = new Map(keyword.map((h) => [h.id, h]));
  const semanticById = new Map(semanticNotes.map((c) => [c.noteId, c]));
  const fused = reciprocalRankFusion([
    keyword.map((h) => h.id),
    semanticNotes.map((c) => c.noteId),
  ]);
  return fused.map(({ key, score }) => {
    const kw = keywordById.get(key);
    const sem = semanticById.get(key);
    const chunk = sem ?? jumpByNote.get(key);
    const sources: HitSource[] = [];
    if (kw) sources.push('keyword');
    if (sem) sources.push('semantic');
    const base: SearchHit = kw ?? {
      id: sem!.noteId,
      title: sem!.title,
      path: sem!.path,
      kind: sem!.kind,
      date: sem!.date,
      tags: sem!.tags,
      score,
      snippet: sem!.snippet,
    };
    return {
      ...base,
      score,
      // A keyword snippet marks the typed words; a semantic-only hit shows its passage.
      snippet: kw?.snippet.length ? kw.snippet : (sem?.snippet ?? base.snippet),
      sources,
      at: chunk ? { start: chunk.start, end: chunk.end } : null,
      headingPath: chunk?.headingPath ?? [],
      similarity: sem?.score ?? null,
    };
  });
}

/** Keyword-only results in the hybrid shape (no model, or before the vector side answers). */
export function keywordOnly(keyword: SearchHit[], jumps: ChunkHit[] = []): HybridHit[] {
  return fuseHybrid(keyword, [], jumps);
}
