// Grounding for the assistant: the passages of the user's notes that best answer a query, from
// the keyword index and the vector index fused by rank, with note ids, character ranges and
// scores so an answer can cite exactly where it read.
import type { SearchFilters } from '../types';
import type { ChunkHit } from './memory-types';
import { reciprocalRankFusion } from './fusion';
import { searchClient } from './search-client';
import { memoryClient } from './memory-client';

export interface RetrieveOptions {
  k?: number;
  filters?: SearchFilters;
}

export interface RetrievedChunk extends ChunkHit {
  /** Fused rank score (higher is better); `score` stays the cosine similarity, 0 for keyword-only. */
  fusedScore: number;
  sources: ('keyword' | 'semantic')[];
}

export interface Retrieval {
  chunks: RetrievedChunk[];
  /** False when no embedding model answered: the chunks come from keyword matches only. */
  semantic: boolean;
}

/** Each side is asked for more than `k`, so fusion has something to agree on. */
const candidatesPerK = 3;

export async function retrieve(query: string, options: RetrieveOptions = {}): Promise<Retrieval> {
  const k = options.k ?? 8;
  const filters = options.filters ?? {};
  const memory = memoryClient();
  const [keyword, semantic] = await Promise.all([
    searchClient().call('search', { query, filters, limit: k * candidatesPerK }),
    memory.call('search', { query, k: k * candidatesPerK, filters }),
  ]);
  // Keyword hits are notes: each contributes the chunk with most of the query's words.
  const keywordChunks = await memory.call('chunksForNotes', {
    noteIds: keyword.hits.map((h) => h.id),
    query,
  });
  const fused = reciprocalRankFusion<ChunkHit>([keywordChunks, semantic.hits], {
    key: (c) => c.chunkId,
  });
  return {
    semantic: semantic.unavailable === null,
    chunks: fused.slice(0, k).map(({ item, score, ranks }) => {
      const fromSemantic = ranks.some((r) => r.list === 1);
      return {
        ...item,
        score: fromSemantic
          ? (semantic.hits.find((h) => h.chunkId === item.chunkId)?.score ?? 0)
          : 0,
        fusedScore: score,
        sources: ranks.map((r) => (r.list === 0 ? 'keyword' : 'semantic')),
      };
    }),
  };
}
