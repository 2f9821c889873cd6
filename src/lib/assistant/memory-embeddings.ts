// Long-term memories embedded by the notes' embedding model (run in the memory worker, reached
// through `embed`) into their own table, and recalled by brute-force cosine over all of them:
// memories are few, so the scan is exact and cheap. Vectors are made lazily, for memories that
// have none for the serving model (new, edited, or made by a model since replaced).
import type { EmbedInput } from '../search/embedding-types';
import type { EmbedResponse } from '../search/memory-types';
import { dequantizeInt8, quantizeInt8 } from '../search/quantize';
import { listMemories, type Memory } from '../db/memories-repo';
import {
  dropOtherMemoryVectors,
  memoryVectorsOf,
  saveMemoryVectors,
} from '../db/memory-vectors-repo';
import { rankMemories, type RecalledMemory } from './memory-recall';

/** Embeds texts with the serving model; null when there is none (an empty list asks which). */
export type EmbedFn = (texts: string[], input: EmbedInput) => Promise<EmbedResponse | null>;

const batchSize = 16;

/**
 * Embeds every memory that has no current vector for the serving model and stores the vectors;
 * returns the model's vectors by memory id, or null when no embedding model serves.
 */
export async function embedMemories(
  embed: EmbedFn,
  memories?: Memory[],
): Promise<Map<string, Float32Array> | null> {
  const probe = await embed([], 'passage');
  if (!probe) return null;
  const { modelId, dimensions } = probe;
  const all = memories ?? (await listMemories());
  const stored = new Map((await memoryVectorsOf(modelId)).map((v) => [v.memoryId, v]));
  const vectors = new Map<string, Float32Array>();
  const missing: Memory[] = [];
  for (const memory of all) {
    const row = stored.get(memory.id);
    if (row && row.updatedAt === memory.updatedAt)
      vectors.set(memory.id, dequantizeInt8(row.q, Float32Array.of(row.scale), dimensions));
    else missing.push(memory);
  }
  for (let i = 0; i < missing.length; i += batchSize) {
    const batch = missing.slice(i, i + batchSize);
    const made = await embed(
      batch.map((m) => m.text),
      'passage',
    );
    // The model changed meanwhile: what is stored now belongs to the next sync.
    if (!made || made.modelId !== modelId) return vectors;
    const { q, scales } = quantizeInt8(made.vectors, dimensions);
    await saveMemoryVectors(
      batch.map((memory, j) => ({
        memoryId: memory.id,
        modelId,
        updatedAt: memory.updatedAt,
        q: q.slice(j * dimensions, (j + 1) * dimensions),
        scale: scales[j]!,
      })),
    );
    batch.forEach((memory, j) =>
      vectors.set(memory.id, made.vectors.slice(j * dimensions, (j + 1) * dimensions)),
    );
  }
  await dropOtherMemoryVectors(modelId);
  return vectors;
}

/**
 * The `k` memories that `question` recalls best, best first. By meaning when an embedding model
 * serves (embedding memories that need it first), by shared words otherwise; also by shared words
 * when embedding fails, with the failure passed to `onFallback`.
 */
export async function recall(
  question: string,
  k: number,
  embed: EmbedFn,
  onFallback: (error: unknown) => void = () => {},
): Promise<RecalledMemory[]> {
  const memories = await listMemories();
  if (memories.length === 0 || k <= 0) return [];
  let semantic = null;
  try {
    const query = await embed([question], 'query');
    const vectors = query && (await embedMemories(embed, memories));
    if (query && vectors) semantic = { query: query.vectors, vectors };
  } catch (error) {
    onFallback(error);
  }
  return rankMemories(question, memories, k, semantic);
}
