// Grounding for the assistant: the passages of the user's notes that best answer a query, from
// the keyword index and the vector index fused by rank, with note ids, character ranges and
// scores so an answer can cite exactly where it read (the fusion is in retrieve-with.ts).
import type { ChunkHit } from './memory-types';
import {
  retrieveWith,
  type RetrieveClients,
  type Retrieval,
  type RetrieveOptions,
} from './retrieve-with';
import { searchClient } from './search-client';
import { memoryClient } from './memory-client';

export type { RetrievedChunk, Retrieval, RetrieveOptions } from './retrieve-with';

const appClients = (): RetrieveClients => ({ search: searchClient(), memory: memoryClient() });

export function retrieve(query: string, options: RetrieveOptions = {}): Promise<Retrieval> {
  return retrieveWith(appClients(), query, options);
}

/** Of each note in `noteIds`, the passage with most of the query's words (pinned notes). */
export function passagesOfNotes(noteIds: string[], query: string): Promise<ChunkHit[]> {
  return memoryClient().call('chunksForNotes', { noteIds, query });
}
