// Whether a backup's semantic index is used here, and which of its rows: only when it was made by
// the embedding model this device will index with (same dimensions) and cut by the same chunker,
// and only for notes restored exactly as they were. A note that comes in as a conflict copy, or
// whose text is not the text the rows were cut from, is embedded again by the normal path.
import { chunkerVersion } from '../search/chunk-sizes';
import type { BundleIndex, RestoredIndex } from './index-format';

/** The setting naming the user's embedding model (memory-service.ts TARGET_SETTING). */
export const chosenModelSetting = 'memory.model';

/** The embedding models here, as far as choosing the index's model needs them. */
export interface EmbeddingHere {
  /** Installed, complete embedding models: key → dimensions. */
  models: Map<string, number>;
  /** The user's choice (`memory.model`), if any. */
  chosen: string | null;
  /** Which of `models` Hearth picks when none is chosen (embedding-catalog.ts). */
  preferred: string | null;
}

export interface IndexDecision {
  index: RestoredIndex | null;
  /** Why the backup's index is not used, for the preview; null when used or absent. */
  note: string | null;
}

/**
 * `asIs`: the notes the restore writes with their own id and text (id → SHA-256 of the text);
 * `chosenAfter`: the model setting as it will be after the restore.
 */
export function planIndex(
  index: BundleIndex | null,
  here: EmbeddingHere | undefined,
  chosenAfter: string | null,
  asIs: ReadonlyMap<string, string>,
): IndexDecision {
  if (!index) return { index: null, note: null };
  const { modelId, dimensions } = index.meta;
  const lead = `The backup's semantic index (${index.meta.chunks.toLocaleString('en')} passages by ${modelId}) is not used:`;
  const tail = 'the notes are indexed again on this device.';
  const models = here?.models ?? new Map<string, number>();
  const target = chosenAfter && models.has(chosenAfter) ? chosenAfter : (here?.preferred ?? null);
  if (!target)
    return {
      index: null,
      note: `${lead} no embedding model is installed here; once one is, ${tail}`,
    };
  if (target !== modelId)
    return { index: null, note: `${lead} this device indexes with ${target}, so ${tail}` };
  if (models.get(target) !== dimensions)
    return {
      index: null,
      note: `${lead} ${target} here makes ${models.get(target)}-dimension vectors, not ${dimensions}; ${tail}`,
    };
  if (index.meta.chunkerVersion !== chunkerVersion)
    return {
      index: null,
      note: `${lead} it was cut by another version of Hearth's chunker (${index.meta.chunkerVersion}, here ${chunkerVersion}); ${tail}`,
    };
  const keep: number[] = [];
  const notes = new Map<string, string>();
  index.chunks.forEach((chunk, i) => {
    if (asIs.get(chunk.noteId) !== chunk.noteHash) return;
    keep.push(i);
    notes.set(chunk.noteId, chunk.noteHash);
  });
  const vectors = new Int8Array(keep.length * dimensions);
  keep.forEach((from, to) =>
    vectors.set(
      index.vectors.subarray(from * dimensions, (from + 1) * dimensions),
      to * dimensions,
    ),
  );
  return {
    index: { modelId, dimensions, chunks: keep.map((i) => index.chunks[i]!), vectors, notes },
    note: null,
  };
}
