// Writing the optional `index/` part (index-format.ts): block by block as the store hands them
// over, so only one block's rows and vectors are in memory, then `index/index.json` with the totals.
import { chunkerVersion } from '../search/chunk-sizes';
import { indexPaths, maxBlockChunks, type IndexBlock, type IndexMeta } from './index-format';

/** One embedding model's index, as the store reads it for a backup. */
export interface IndexSource {
  modelId: string;
  dimensions: number;
  blocks: AsyncIterable<IndexBlock> | Iterable<IndexBlock>;
}

export type AddEntry = (path: string, bytes: Uint8Array, compress: boolean) => Promise<void>;

const encoder = new TextEncoder();

export async function writeIndexPart(source: IndexSource, add: AddEntry): Promise<IndexMeta> {
  let blocks = 0;
  let chunks = 0;
  for await (const block of source.blocks) {
    if (block.chunks.length === 0) continue;
    if (block.chunks.length > maxBlockChunks)
      throw new Error(
        `An index block holds ${block.chunks.length} chunks; at most ${maxBlockChunks}.`,
      );
    if (block.vectors.length !== block.chunks.length * source.dimensions)
      throw new Error('An index block’s vectors do not match its chunks.');
    const rows = block.chunks.map((row) => `${JSON.stringify(row)}\n`).join('');
    await add(indexPaths.chunks(blocks), encoder.encode(rows), true);
    // int8 vectors barely deflate: stored, so any tool reads them as they are.
    const bytes = new Uint8Array(
      block.vectors.buffer,
      block.vectors.byteOffset,
      block.vectors.length,
    );
    await add(indexPaths.vectors(blocks), bytes, false);
    blocks++;
    chunks += block.chunks.length;
  }
  const meta: IndexMeta = {
    modelId: source.modelId,
    dimensions: source.dimensions,
    chunkerVersion,
    chunks,
    blocks,
  };
  await add(indexPaths.meta, encoder.encode(`${JSON.stringify(meta, null, 2)}\n`), true);
  return meta;
}
