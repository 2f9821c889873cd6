// retrieve() over whichever workers it is handed: the app passes its own search and memory
// workers (retrieve.ts); a test can pass the same workers reached another way and get exactly
// what the app got. The fusion lives here once.
import type { SearchFilters } from '../types';
import type { ChunkHit, SemanticArgs, SemanticResponse } from './memory-types';
import type { SearchArgs, SearchResponse } from './search-handlers';
import { reciprocalRankFusion } from './fusion';
import { stage } from '../perf/stage';

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

/** The calls retrieval makes on the search worker and the memory worker. */
export interface RetrieveClients {
  search: { call(method: 'search', args: SearchArgs): Promise<Pick<SearchResponse, 'hits'>> };
  memory: {
    call(method: 'search', args: SemanticArgs): Promise<SemanticResponse>;
    call(method: 'chunksForNotes', args: { noteIds: string[]; query: string }): Promise<ChunkHit[]>;
  };
}

/** Each side is asked for more than `k`, so fusion has something to agree on. */
const candidatesPerK = 3;

export async function retrieveWith(
  clients: RetrieveClients,
  query: string,
  options: RetrieveOptions = {},
): Promise<Retrieval> {
  const k = options.k ?? 8;
  const filters = options.filters ?? {};
  const { memory } = clients;
  // Keyword hits are notes: each contributes the chunk with most of the query's words. That
  // lookup starts as soon as the keyword side answers, beside the semantic search rather than
  // after it (a grounded question waited for both in turn).
  const [keywordChunks, semantic] = await Promise.all([
    stage('retrieve:keyword', () =>
      clients.search.call('search', { query, filters, limit: k * candidatesPerK }),
    ).then((keyword) =>
      stage('retrieve:keyword-chunks', () =>
        memory.call('chunksForNotes', { noteIds: keyword.hits.map((h) => h.id), query }),
      ),
    ),
    stage('retrieve:semantic', () =>
      memory.call('search', { query, k: k * candidatesPerK, filters }),
    ),
  ]);
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
