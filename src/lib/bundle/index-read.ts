// Reading the optional `index/` part back (index-format.ts), checked before anything is written:
// its header against its model as the backup lists it (a dimension that is not the model's is
// refused), every block's rows against their schema and its vector file against its rows, chunk
// ids unique and each naming its model and a note of the backup.
import { BundleError, check, decode, parseJson, rowsOf, unique } from './bundle-parse';
import {
  indexChunkSchema,
  indexMetaSchema,
  indexPaths,
  maxBlockChunks,
  type BundleIndex,
  type IndexChunk,
} from './index-format';

/** The model list's view the check needs: key and, for an embedding model, its dimensions. */
export interface ListedModel {
  key: string;
  spec: Record<string, unknown>;
}

function dimensionsOf(model: ListedModel): number | null {
  const embedding = model.spec['embedding'] as { dimensions?: unknown } | undefined;
  return typeof embedding?.dimensions === 'number' ? embedding.dimensions : null;
}

/**
 * The backup's index, or null when it has none. `take` hands over an entry's bytes once (undefined
 * when absent); `noteIds` are the backup's notes.
 */
export async function readIndexPart(
  take: (path: string) => Promise<Uint8Array | undefined>,
  models: readonly ListedModel[],
  noteIds: ReadonlySet<string>,
): Promise<BundleIndex | null> {
  const metaBytes = await take(indexPaths.meta);
  if (!metaBytes) return null;
  const where = indexPaths.meta;
  const meta = check(indexMetaSchema, parseJson(decode(metaBytes, where), where), where);
  const model = models.find((m) => m.key === meta.modelId);
  if (!model)
    throw new BundleError(
      `index/ was made by “${meta.modelId}”, a model the backup does not list.`,
    );
  const modelDimensions = dimensionsOf(model);
  if (modelDimensions !== meta.dimensions)
    throw new BundleError(
      `index/ says its vectors have ${meta.dimensions} dimensions, but its model ` +
        `“${meta.modelId}” makes ${modelDimensions ?? 'no'} — the index does not belong to it.`,
    );

  const chunks: IndexChunk[] = [];
  const parts: Int8Array[] = [];
  for (let block = 0; block < meta.blocks; block++) {
    const rowsPath = indexPaths.chunks(block);
    const vectorsPath = indexPaths.vectors(block);
    const rowBytes = await take(rowsPath);
    const vectorBytes = await take(vectorsPath);
    if (!rowBytes || !vectorBytes)
      throw new BundleError(
        `index/ declares ${meta.blocks} blocks but has no ${rowBytes ? vectorsPath : rowsPath}.`,
      );
    const rows = rowsOf(indexChunkSchema, decode(rowBytes, rowsPath), rowsPath);
    if (rows.length > maxBlockChunks)
      throw new BundleError(`${rowsPath} holds more than ${maxBlockChunks} chunks.`);
    if (vectorBytes.length !== rows.length * meta.dimensions)
      throw new BundleError(
        `${vectorsPath} holds ${vectorBytes.length.toLocaleString('en')} bytes, but ` +
          `${rows.length} chunks of ${meta.dimensions} dimensions take ` +
          `${(rows.length * meta.dimensions).toLocaleString('en')}.`,
      );
    chunks.push(...rows);
    parts.push(new Int8Array(vectorBytes.buffer, vectorBytes.byteOffset, vectorBytes.length));
  }
  if (chunks.length !== meta.chunks)
    throw new BundleError(`index/ declares ${meta.chunks} chunks but holds ${chunks.length}.`);
  unique(chunks, (c) => c.id, 'index chunks');
  for (const chunk of chunks) {
    if (!chunk.id.startsWith(`${meta.modelId}|${chunk.noteId}|`))
      throw new BundleError(
        `the index chunk “${chunk.id.slice(0, 200)}” names another model or note.`,
      );
    if (!noteIds.has(chunk.noteId))
      throw new BundleError(
        `the index has chunks of “${chunk.noteId.slice(0, 200)}”, a note the backup does not hold.`,
      );
    if (chunk.end < chunk.start)
      throw new BundleError(`the index chunk “${chunk.id.slice(0, 200)}” ends before it starts.`);
  }
  const vectors = new Int8Array(chunks.length * meta.dimensions);
  let at = 0;
  for (const part of parts) {
    vectors.set(part, at);
    at += part.length;
  }
  return { meta, chunks, vectors };
}
