// The optional index/ part of a backup: written block by block, read back exactly, refused when
// its dimension is not its model's (or its blocks disagree with it), and used on restore only for
// notes restored as they were, when the model, dimension and chunker here are the same.
import { describe, expect, it } from 'vitest';
import { writeBundle } from '../../src/lib/bundle/bundle-write';
import { BundleError, readBundle } from '../../src/lib/bundle/bundle-read';
import { manifestPath } from '../../src/lib/bundle/bundle-format';
import { indexPaths, type IndexChunk } from '../../src/lib/bundle/index-format';
import { planRestore, type ExistingState } from '../../src/lib/bundle/restore-plan';
import { existingState } from './existing-state';
import { chunkerVersion } from '../../src/lib/search/chunk-sizes';
import { readZipBlob } from '../../src/lib/vault/zip-slices';
import { sha256Bytes, sha256Hex } from '../../src/lib/vault/hash';
import { forgeZip } from './zip-forge';
import { chunk, dims, indexedSource, modelId } from '../fixtures/bundle-forge';

const encoder = new TextEncoder();

async function entriesOf(blob: Blob): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  for (const entry of await readZipBlob(blob)) out.set(entry.path, await entry.read());
  return out;
}

/** Sets an entry and its manifest line to match, so only the check under test can refuse it. */
async function forged(blob: Blob, path: string, bytes: Uint8Array): Promise<Blob> {
  const entries = await entriesOf(blob);
  const manifest = JSON.parse(new TextDecoder().decode(entries.get(manifestPath))) as {
    entries: { path: string; bytes: number; sha256: string }[];
  };
  entries.set(path, bytes);
  Object.assign(
    manifest.entries.find((e) => e.path === path)!,
    {
      bytes: bytes.length,
      sha256: await sha256Bytes(bytes),
    },
  );
  entries.set(manifestPath, encoder.encode(JSON.stringify(manifest)));
  return new Blob([forgeZip([...entries].map(([name, data]) => ({ name, data })))]);
}

async function refusal(blob: Blob): Promise<string> {
  const error = await readBundle(blob).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BundleError);
  return (error as Error).message;
}

function here(over: Partial<ExistingState> = {}): ExistingState {
  return existingState({
    embedding: { models: new Map([[modelId, dims]]), chosen: null, preferred: modelId },
    ...over,
  });
}

describe('the index/ part', () => {
  it('is written as blocks of rows and int8 vectors, and read back exactly', async () => {
    const src = await indexedSource();
    const { blob, manifest } = await writeBundle(src, { appVersion: '0.1.0' });
    const paths = manifest.entries.map((e) => e.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        indexPaths.meta,
        indexPaths.chunks(0),
        indexPaths.vectors(0),
        indexPaths.chunks(1),
        indexPaths.vectors(1),
      ]),
    );
    const entries = await entriesOf(blob);
    // Plain bytes any tool reads: 2 chunks × 4 dimensions, signed.
    expect(entries.get(indexPaths.vectors(0))!.length).toBe(2 * dims);
    const meta = JSON.parse(new TextDecoder().decode(entries.get(indexPaths.meta))) as unknown;
    expect(meta).toEqual({ modelId, dimensions: dims, chunkerVersion, chunks: 3, blocks: 2 });

    const read = await readBundle(blob);
    const blocks = src.index!.blocks as { chunks: IndexChunk[]; vectors: Int8Array }[];
    expect(read.index!.chunks).toEqual(blocks.flatMap((b) => b.chunks));
    expect([...read.index!.vectors]).toEqual(blocks.flatMap((b) => [...b.vectors]));
  });

  it('refuses a vector file that is not its rows times the dimension, and rows of another note', async () => {
    const { blob } = await writeBundle(await indexedSource(), { appVersion: '0.1.0' });
    const short = await forged(blob, indexPaths.vectors(1), new Uint8Array(dims - 1));
    expect(await refusal(short)).toMatch(/vectors-0001\.i8 holds 3 bytes.*take 4/);
    const stranger = { ...(await chunk('n2', 5)), noteId: 'n9', id: `${modelId}|n9|h5` };
    const rows = encoder.encode(`${JSON.stringify(stranger)}\n`);
    expect(await refusal(await forged(blob, indexPaths.chunks(1), rows))).toMatch(
      /chunks of “n9”, a note the backup does not hold/,
    );
  });

  it('is used on restore only for notes restored as they were, with the same model here', async () => {
    const contents = await readBundle(
      (await writeBundle(await indexedSource(), { appVersion: '0.1.0' })).blob,
    );
    const fresh = await planRestore(contents, here(), 'merge');
    expect(fresh.index!.chunks.map((c) => c.id)).toHaveLength(3);
    expect([...fresh.index!.notes.keys()].sort()).toEqual(['n1', 'n2']);
    expect(fresh.indexNote).toBeNull();

    // n1 differs here: it comes in as a conflict copy, embedded again; n2's rows still come.
    const n1 = { id: 'n1', path: 'n1.md', hash: await sha256Hex('# Sleep\n\n5 h here.') };
    const merged = await planRestore(contents, here({ notes: [n1] }), 'merge');
    expect(merged.index!.chunks.map((c) => c.noteId)).toEqual(['n2']);
    expect(merged.index!.vectors.length).toBe(dims);
    expect([...merged.index!.vectors]).toEqual([...contents.index!.vectors.subarray(2 * dims)]);

    const other = await planRestore(
      contents,
      here({
        embedding: {
          models: new Map([['transformers:other@q8', dims]]),
          chosen: null,
          preferred: 'transformers:other@q8',
        },
      }),
      'replace',
    );
    expect(other.index).toBeNull();
    expect(other.indexNote).toMatch(/indexes with transformers:other@q8.*indexed again/);
    const none = await planRestore(contents, here({ embedding: undefined }), 'replace');
    expect(none.indexNote).toMatch(/no embedding model is installed here/);
  });
});
