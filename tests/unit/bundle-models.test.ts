// The optional models/ part of a backup (format 4): the installed models' files, written stored
// from the Blobs the cache holds (never read whole), read back as slices of the backup, and
// refused whole when anything disagrees with models.json: a file missing, a size or SHA-256 other
// than the recorded one, an entry no record names, a deflated model entry, a record Hearth will
// not install. Restore plans them beside the models here, and a restored embedding model lets
// the backup's index in.
import { describe, expect, it } from 'vitest';
import {
  writeBundle,
  type BundleModelFile,
  type BundleSource,
} from '../../src/lib/bundle/bundle-write';
import { BundleError, readBundle } from '../../src/lib/bundle/bundle-read';
import { bundleFormat, manifestPath } from '../../src/lib/bundle/bundle-format';
import { maxModelEntryBytes, modelEntryPath } from '../../src/lib/bundle/models-part';
import { planRestore, type ExistingState } from '../../src/lib/bundle/restore-plan';
import { existingState } from './existing-state';
import { bundleSource } from './bundle-source';
import { chunkerVersion } from '../../src/lib/search/chunk-sizes';
import { readZipBlob, listZipSlices } from '../../src/lib/vault/zip-slices';
import { sha256Bytes, sha256Hex } from '../../src/lib/vault/hash';
import { storedFileLocation } from '../../src/lib/llm/model-files';
import type { InstalledModel, ModelFileHash } from '../../src/lib/llm/types';
import { forgeZip, type ForgeEntry } from './zip-forge';

const encoder = new TextEncoder();
const commit = 'a'.repeat(40);
const libUrl = 'https://raw.githubusercontent.com/mlc-ai/binary-mlc-llm-libs/main/tiny.wasm';
const text = '# Sleep\n\nSlept 7 h.';

const bytesOf = (length: number, seed: number) =>
  new Uint8Array(length).map((_, i) => (i * seed + (i >> 9)) % 251);

interface Fixture {
  model: InstalledModel;
  files: Map<string, Uint8Array>;
}

async function pinned(
  base: Omit<InstalledModel, 'pin'>,
  files: Map<string, Uint8Array>,
): Promise<Fixture> {
  const hashes: ModelFileHash[] = [];
  for (const [path, bytes] of files)
    hashes.push({ path, sizeBytes: bytes.length, sha256: await sha256Bytes(bytes) });
  return { model: { ...base, pin: { files: hashes, pinnedAt: 1, how: 'download' } }, files };
}

/** An embedding model (transformers.js), one of its files over the reader's 8 MB window. */
function embedder(): Promise<Fixture> {
  return pinned(
    {
      key: 'transformers:Xenova/tiny@q8',
      name: 'Tiny embedder',
      spec: {
        engine: 'transformers',
        repo: 'Xenova/tiny',
        revision: commit,
        dtype: 'q8',
        device: 'wasm',
        contextWindow: 512,
        embedding: {
          dimensions: 4,
          pooling: 'mean',
          queryPrefix: '',
          passagePrefix: '',
          maxTokens: 512,
        },
      },
      source: 'hub',
      sizeBytes: 1,
      installedAt: 5,
      complete: true,
    },
    new Map([
      ['config.json', encoder.encode('{"model_type":"bert"}')],
      ['onnx/model_quantized.onnx', bytesOf(9 * 1024 * 1024 + 17, 7)],
    ]),
  );
}

/** A WebLLM model whose library is recorded by URL. */
function webllm(): Promise<Fixture> {
  return pinned(
    {
      key: 'webllm:Tiny-q4f32_1-MLC',
      name: 'Tiny chat',
      spec: {
        engine: 'webllm',
        modelId: 'Tiny-q4f32_1-MLC',
        modelUrl: 'https://huggingface.co/mlc-ai/Tiny-q4f32_1-MLC',
        revision: commit,
        modelLibUrl: libUrl,
        vramMB: 100,
        contextWindow: 2048,
        requiresF16: false,
      },
      source: 'hub',
      sizeBytes: 1,
      installedAt: 6,
      complete: true,
    },
    new Map([
      ['mlc-chat-config.json', encoder.encode('{"tokenizer_files":["tokenizer.json"]}')],
      ['tensor-cache.json', encoder.encode('{"records":[]}')],
      ['params_shard_0.bin', bytesOf(4096, 3)],
      [libUrl, bytesOf(2048, 5)],
    ]),
  );
}

function filesOf({ model, files }: Fixture): BundleModelFile[] {
  return model.pin!.files.map((file) => ({
    modelKey: model.key,
    modelName: model.name,
    ...file,
    blob: () =>
      Promise.resolve(
        files.has(file.path) ? new Blob([files.get(file.path) as Uint8Array<ArrayBuffer>]) : null,
      ),
  }));
}

function source(models: Fixture[], modelFiles: BundleModelFile[] | null): BundleSource {
  return bundleSource({
    notes: [
      { id: 'n1', path: 'Sleep.md', createdAt: 1, updatedAt: 1, deletedAt: 0, content: text },
    ],
    models: models.map((m) => m.model),
    modelFiles,
  });
}

async function written(models: Fixture[], modelFiles = models.flatMap(filesOf)): Promise<Blob> {
  return (await writeBundle(source(models, modelFiles), { appVersion: 't', now: new Date(0) }))
    .blob;
}

async function refusal(blob: Blob): Promise<string> {
  const error = await readBundle(blob).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BundleError);
  return (error as Error).message;
}

/** The bundle's entries, to change and zip again (each stored or deflated as asked). */
async function rezip(blob: Blob, change: (entries: ForgeEntry[]) => void): Promise<Blob> {
  const entries: ForgeEntry[] = [];
  for (const entry of await readZipBlob(blob))
    entries.push({ name: entry.path, data: await entry.read(), method: 0 });
  change(entries);
  return new Blob([forgeZip(entries)]);
}

describe('models/ entry names', () => {
  it('puts each file under its engine and the rest of its key, a URL under url/', () => {
    expect(modelEntryPath('transformers:Xenova/bge-small-en-v1.5@q8', 'onnx/model.onnx')).toBe(
      'models/transformers/Xenova/bge-small-en-v1.5@q8/onnx/model.onnx',
    );
    expect(modelEntryPath('webllm:Tiny-q4f32_1-MLC', libUrl)).toBe(
      `models/webllm/Tiny-q4f32_1-MLC/url/${encodeURIComponent(libUrl)}`,
    );
  });

  it('gives no name to a path that could climb out, plain or percent-encoded', () => {
    for (const path of ['../x', 'a/../../x', '%2e%2e/x', 'a/%2E%2E/b', '/abs', 'C:/x', 'a//b'])
      expect(modelEntryPath('transformers:Xenova/tiny@q8', path), path).toBeNull();
    expect(modelEntryPath('no-colon', 'config.json')).toBeNull();
    expect(modelEntryPath('transformers:../../x@q8', 'config.json')).toBeNull();
  });

  it('restores each file where the engine reads it: the transformers.js cache, web-llm scopes', async () => {
    const { model } = await embedder();
    expect(storedFileLocation(model.spec, 'onnx/model_quantized.onnx')).toEqual({
      cache: 'transformers-cache',
      url: `https://huggingface.co/Xenova/tiny/resolve/${commit}/onnx/model_quantized.onnx`,
      contentType: 'application/octet-stream',
    });
    const chat = (await webllm()).model;
    const base = `https://huggingface.co/mlc-ai/Tiny-q4f32_1-MLC/resolve/${commit}/`;
    const where = (path: string) => storedFileLocation(chat.spec, path);
    expect(where('mlc-chat-config.json')).toMatchObject({
      cache: 'webllm/config',
      url: `${base}mlc-chat-config.json`,
    });
    expect(where('tensor-cache.json')).toMatchObject({ cache: 'webllm/model' });
    expect(where('params_shard_0.bin')).toMatchObject({
      cache: 'webllm/model',
      url: `${base}params_shard_0.bin`,
    });
    expect(where(libUrl)).toMatchObject({ cache: 'webllm/wasm', url: libUrl });
  });
});

describe('a backup with models/', () => {
  it('carries every recorded file stored, and reads each back as the bytes models.json records', async () => {
    const models = [await embedder(), await webllm()];
    const blob = await written(models);
    const listing = await listZipSlices(blob, 100);
    const modelEntries = listing.entries.filter((e) => e.path.startsWith('models/'));
    expect(modelEntries).toHaveLength(6);
    expect(modelEntries.every((e) => e.directory.method === 0)).toBe(true);

    const read = await readBundle(blob);
    expect(read.manifest.format).toBe(4);
    expect(read.modelFiles.map((m) => m.model.key)).toEqual(models.map((m) => m.model.key));
    for (const [i, carried] of read.modelFiles.entries()) {
      expect(carried.sizeBytes).toBe(
        [...models[i]!.files.values()].reduce((sum, b) => sum + b.length, 0),
      );
      // Compared by hash: a deep equality of 9 MB, element by element, takes minutes.
      for (const file of carried.files)
        expect(await sha256Bytes(new Uint8Array(await file.blob.arrayBuffer())), file.path).toBe(
          await sha256Bytes(models[i]!.files.get(file.path)!),
        );
    }
  });

  it('stays format 3 without model files, and lists the models only', async () => {
    const blob = await written([await embedder()], []);
    const read = await readBundle(blob);
    expect(read.manifest.format).toBe(bundleFormat);
    expect(read.models).toHaveLength(1);
    expect(read.modelFiles).toEqual([]);
  });

  it('refuses to be made when a stored file is gone or changed size', async () => {
    const fixture = await embedder();
    fixture.files.delete('config.json');
    await expect(written([fixture])).rejects.toThrow(
      /“config.json” of Tiny embedder is no longer stored/,
    );
    const grown = await embedder();
    grown.files.set('config.json', encoder.encode('{"model_type":"bert","x":1}'));
    await expect(written([grown])).rejects.toThrow(/its size changed/);
  });

  it('refuses a model file whose bytes are not the recorded ones, before anything is returned', async () => {
    // Same size, other bytes: the manifest carries the recorded SHA-256, the bytes do not match it.
    const fixture = await embedder();
    const onnx = fixture.files.get('onnx/model_quantized.onnx')!;
    onnx[1000] = onnx[1000]! ^ 1;
    expect(await refusal(await written([fixture]))).toMatch(
      /models\/transformers\/Xenova\/tiny@q8\/onnx\/model_quantized\.onnx” does not match its SHA-256/,
    );
  });

  it('refuses a file whose manifest line is right but models.json records another SHA-256', async () => {
    const fixture = await embedder();
    const files = filesOf(fixture);
    const wrong = {
      ...fixture,
      model: {
        ...fixture.model,
        pin: {
          ...fixture.model.pin!,
          files: fixture.model.pin!.files.map((f) =>
            f.path === 'config.json' ? { ...f, sha256: 'b'.repeat(64) } : f,
          ),
        },
      },
    };
    expect(await refusal(await written([wrong], files))).toMatch(
      /“models\/transformers\/Xenova\/tiny@q8\/config\.json” is not the file models\.json records for “Tiny embedder”/,
    );
  });

  it('refuses a model carried in part, and an entry under models/ that no record names', async () => {
    const fixture = await embedder();
    const part = filesOf(fixture).filter((f) => f.path === 'config.json');
    expect(await refusal(await written([fixture], part))).toMatch(
      /only some of “Tiny embedder”'s files: “onnx\/model_quantized\.onnx” is missing/,
    );
    const stray: BundleModelFile = {
      ...filesOf(fixture)[0]!,
      path: 'extra.bin',
      sizeBytes: 3,
      sha256: await sha256Bytes(new Uint8Array(3)),
      blob: () => Promise.resolve(new Blob([new Uint8Array(3)])),
    };
    expect(await refusal(await written([fixture], [...filesOf(fixture), stray]))).toMatch(
      /“models\/transformers\/Xenova\/tiny@q8\/extra\.bin” belongs to no record/,
    );
  });

  it('refuses model files in a format-3 manifest, and a model file that is deflated', async () => {
    const blob = await written([await embedder()]);
    const asThree = await rezip(blob, (entries) => {
      const manifest = entries.find((e) => e.name === manifestPath)!;
      const parsed = JSON.parse(new TextDecoder().decode(manifest.data)) as { format: number };
      manifest.data = encoder.encode(JSON.stringify({ ...parsed, format: 3 }));
    });
    expect(await refusal(asThree)).toMatch(/says format 3, but it carries model files/);
    const deflated = await rezip(blob, (entries) => {
      for (const e of entries) if (e.name.startsWith('models/')) e.method = 8;
    });
    expect(await refusal(deflated)).toMatch(/is compressed; model files are stored/);
  });

  it('refuses the files of a record Hearth would not install', async () => {
    const fixture = await embedder();
    const bad = {
      ...fixture,
      model: {
        ...fixture.model,
        spec: { ...fixture.model.spec, revision: 'main' },
      } as InstalledModel,
    };
    expect(await refusal(await written([bad], filesOf(bad)))).toMatch(
      /a model Hearth will not install \(“Tiny embedder”: its revision “main” is not a commit\)/,
    );
  });

  it('allows model files of gigabytes, not past its own limit', async () => {
    const blob = await written([await embedder()]);
    const declare = (bytes: number) =>
      rezip(blob, (entries) => {
        const manifest = entries.find((e) => e.name === manifestPath)!;
        const parsed = JSON.parse(new TextDecoder().decode(manifest.data)) as {
          entries: { path: string; bytes: number }[];
        };
        parsed.entries.find((e) => e.path.endsWith('.onnx'))!.bytes = bytes;
        manifest.data = encoder.encode(JSON.stringify(parsed));
      });
    // Several GB passes the limits (and is then refused only for not being the zip's size).
    expect(await refusal(await declare(6 * 1024 ** 3))).toMatch(
      /declares 9,437,201 bytes in the zip/,
    );
    expect(await refusal(await declare(maxModelEntryBytes + 1))).toMatch(
      /a model file may hold at most/,
    );
  });
});

describe('restoring models/', () => {
  const here = (over: Partial<ExistingState> = {}): ExistingState =>
    existingState({
      embedding: { models: new Map(), chosen: null, preferred: null },
      models: [],
      preferEmbedding: (models) => models[0]?.key ?? null,
      ...over,
    });

  async function withIndex(): Promise<Blob> {
    const fixture = await embedder();
    const chunk = {
      id: `${fixture.model.key}|n1|h0`,
      noteId: 'n1',
      noteHash: await sha256Hex(text),
      hash: 'h0',
      seq: 0,
      start: 0,
      end: 5,
      headingPath: [],
      tokenCount: 3,
      scale: 0.01,
    };
    const bundle = source([fixture], filesOf(fixture));
    bundle.index = {
      modelId: fixture.model.key,
      dimensions: 4,
      blocks: [{ chunks: [chunk], vectors: Int8Array.from([1, 2, 3, 4]) }],
    };
    return (await writeBundle(bundle, { appVersion: 't' })).blob;
  }

  it('installs a carried model this device lacks, and the backup index comes with it', async () => {
    const contents = await readBundle(await withIndex());
    expect(contents.index?.meta.chunkerVersion).toBe(chunkerVersion);
    const plan = await planRestore(contents, here(), 'replace');
    expect(plan.models.map((m) => m.model.key)).toEqual(['transformers:Xenova/tiny@q8']);
    // No embedding model was here: the restored one is, so its index is used as it is.
    expect(plan.indexNote).toBeNull();
    expect(plan.index?.chunks).toHaveLength(1);
  });

  it('leaves a model installed here as it is', async () => {
    const contents = await readBundle(await withIndex());
    const installed = contents.modelFiles[0]!.model;
    const plan = await planRestore(contents, here({ models: [installed] }), 'merge');
    expect(plan.models).toEqual([]);
    expect(plan.alreadyHere).toBe(1);
  });

  it('says why the index is not used when neither here nor the backup has its model', async () => {
    const contents = await readBundle(await withIndex());
    const plan = await planRestore({ ...contents, modelFiles: [] }, here(), 'merge');
    expect(plan.index).toBeNull();
    expect(plan.indexNote).toMatch(/no embedding model is installed here/);
  });
});
