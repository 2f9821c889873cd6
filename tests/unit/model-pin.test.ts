// Pinned model downloads: revision URLs, streamed SHA-256, the check before a load, and stored
// records checked again before they are acted on.
import { createHash } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { ModelFileMissingError } from '../../src/lib/errors';
import {
  compareFileHashes,
  ModelIntegrityError,
  verifyStoredFiles,
} from '../../src/lib/llm/file-check';
import { hashChunkBytes, hashingResponse, sha256OfBlob } from '../../src/lib/llm/file-hash';
import { checkBeforeLoad } from '../../src/lib/llm/load-check';
import {
  assertServedRevision,
  assertStatedSha256,
  commitOf,
  lookUpRevision,
  repoUrlOf,
  revisionApiUrl,
  RevisionLookupError,
  statedSha256,
} from '../../src/lib/llm/net/hub-revision';
import { checkCustomRef, InvalidRepoError } from '../../src/lib/llm/custom-model';
import { checkStoredRecord, InvalidModelRecordError } from '../../src/lib/llm/spec-check';
import { fileKey } from '../../src/lib/llm/transformers/cache-files';
import { transformersCatalog } from '../../src/lib/llm/transformers/catalog';
import { embeddingCatalog } from '../../src/lib/llm/transformers/embedding-catalog';
import { webLlmCatalog } from '../../src/lib/llm/webllm/catalog';
import { indexKeys, modelRecordFor, specBaseUrl } from '../../src/lib/llm/webllm/app-config';
import type {
  InstalledModel,
  ModelFileHash,
  TransformersSpec,
  WebLlmSpec,
} from '../../src/lib/llm/types';

const SHA = '0123456789abcdef0123456789abcdef01234567';
const OTHER = 'fedcba9876543210fedcba9876543210fedcba98';

const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

function bytes(n: number, seed = 1): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

const blobOf = (b: Uint8Array) => new Blob([b as Uint8Array<ArrayBuffer>]);
const hashOf = (path: string, b: Uint8Array): ModelFileHash => ({
  path,
  sizeBytes: b.length,
  sha256: sha256Hex(b),
});

const tSpec: TransformersSpec = {
  engine: 'transformers',
  repo: 'hearth-test/tiny-llama',
  dtype: 'fp32',
  device: 'wasm',
  contextWindow: null,
  revision: SHA,
};

const wSpec: WebLlmSpec = {
  engine: 'webllm',
  modelId: 'SmolLM2-360M-Instruct-q4f32_1-MLC',
  modelUrl: 'https://huggingface.co/mlc-ai/SmolLM2-360M-Instruct-q4f32_1-MLC',
  modelLibUrl: 'https://raw.githubusercontent.com/mlc-ai/binary-mlc-llm-libs/main/x.wasm',
  vramMB: null,
  contextWindow: 4096,
  requiresF16: false,
};

function installed(spec: TransformersSpec | WebLlmSpec, extra: Partial<InstalledModel> = {}) {
  const key =
    spec.engine === 'webllm' ? `webllm:${spec.modelId}` : `transformers:${spec.repo}@${spec.dtype}`;
  return {
    key,
    name: 'tiny',
    spec,
    source: 'hub',
    sizeBytes: 1,
    installedAt: 1,
    complete: true,
    ...extra,
  } satisfies InstalledModel;
}

describe('streamed SHA-256', () => {
  it('hashes a blob larger than one chunk exactly as a one-shot hash does, whole or in slices', async () => {
    const data = bytes(hashChunkBytes * 2 + 12_345);
    const expected = { sha256: sha256Hex(data), sizeBytes: data.length };
    expect(await sha256OfBlob(blobOf(data))).toEqual(expected);
    expect(await sha256OfBlob(blobOf(data), 0)).toEqual(expected);
    expect((await sha256OfBlob(new Blob([]))).sha256).toBe(sha256Hex(new Uint8Array()));
    expect((await sha256OfBlob(new Blob([]), 0)).sha256).toBe(sha256Hex(new Uint8Array()));
  });

  it('hashes a response body while another reader consumes it', async () => {
    const data = bytes(300_000, 7);
    const { response, done } = hashingResponse(new Response(blobOf(data)));
    const read = new Uint8Array(await response.arrayBuffer());
    expect(read).toEqual(data);
    expect(await done).toEqual({ sha256: sha256Hex(data), sizeBytes: data.length });
  });
});

describe('the hash check before a load', () => {
  const a = bytes(1000, 1);
  const b = bytes(2000, 2);
  const expected = [hashOf('config.json', a), hashOf('onnx/model.onnx', b)];

  it('passes when every file is as recorded', async () => {
    const stored = new Map([
      ['config.json', a],
      ['onnx/model.onnx', b],
    ]);
    const read = (p: string) => Promise.resolve(stored.has(p) ? blobOf(stored.get(p)!) : null);
    expect(await verifyStoredFiles(expected, read)).toEqual(expected);
  });

  it('refuses a changed byte and a missing file, naming each', async () => {
    const tampered = b.slice();
    tampered[1500] = (tampered[1500] ?? 0) ^ 0xff;
    const read = (p: string) => Promise.resolve(p === 'onnx/model.onnx' ? blobOf(tampered) : null);
    const error = await verifyStoredFiles(expected, read).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelIntegrityError);
    const message = (error as Error).message;
    expect(message).toContain('refused to load');
    expect(message).toContain('changed since it was stored: “onnx/model.onnx”');
    expect(message).toContain('missing: “config.json”');
    expect(message).toContain('Nothing was downloaded');
  });

  it('does not read a file whose size already differs', async () => {
    const shorter = blobOf(b.slice(0, 10));
    const spy = vi.spyOn(shorter, 'slice');
    const read = (p: string) => Promise.resolve(p === 'config.json' ? blobOf(a) : shorter);
    await expect(verifyStoredFiles(expected, read)).rejects.toThrow('“onnx/model.onnx”');
    expect(spy).not.toHaveBeenCalled();
  });

  it('compares hex case-insensitively against the record', () => {
    const upper = { ...expected[0]!, sha256: expected[0]!.sha256.toUpperCase() };
    expect(compareFileHashes([upper], new Map([['config.json', expected[0]!]]))).toEqual([]);
  });
});

describe('revision URLs', () => {
  it('builds the revision API and resolve URLs for both engines', () => {
    expect(revisionApiUrl(repoUrlOf(tSpec), 'main')).toBe(
      'https://huggingface.co/api/models/hearth-test/tiny-llama/revision/main',
    );
    expect(revisionApiUrl(repoUrlOf(wSpec), 'main')).toBe(
      'https://huggingface.co/api/models/mlc-ai/SmolLM2-360M-Instruct-q4f32_1-MLC/revision/main',
    );
    expect(fileKey(tSpec.repo, 'onnx/model.onnx', SHA)).toBe(
      `https://huggingface.co/hearth-test/tiny-llama/resolve/${SHA}/onnx/model.onnx`,
    );
    expect(fileKey(tSpec.repo, 'config.json')).toBe(
      'https://huggingface.co/hearth-test/tiny-llama/resolve/main/config.json',
    );
  });

  it('gives web-llm the pinned commit as the model URL, so it fetches and caches that commit', () => {
    const pinned = { ...wSpec, revision: SHA };
    const base = `${wSpec.modelUrl}/resolve/${SHA}/`;
    expect(specBaseUrl(pinned)).toBe(base);
    expect(modelRecordFor(pinned).model).toBe(base);
    expect(indexKeys(pinned).every((k) => k.url.startsWith(base))).toBe(true);
    // Unpinned (imported, or installed before pinning): web-llm's own default.
    expect(specBaseUrl(wSpec)).toBe(`${wSpec.modelUrl}/resolve/main/`);
    expect(modelRecordFor(wSpec).model).toBe(wSpec.modelUrl);
  });

  it('takes the commit from the revision API and refuses an answer without one', async () => {
    expect(commitOf({ sha: SHA, siblings: [] }, repoUrlOf(tSpec))).toBe(SHA);
    expect(() => commitOf({ sha: 'main' }, repoUrlOf(tSpec))).toThrow(RevisionLookupError);
    const fetchOk = vi.fn(() => Promise.resolve(Response.json({ sha: SHA })));
    expect(await lookUpRevision(fetchOk, repoUrlOf(tSpec), 'main')).toBe(SHA);
    expect(fetchOk).toHaveBeenCalledWith(
      'https://huggingface.co/api/models/hearth-test/tiny-llama/revision/main',
      { signal: null },
    );
    const missing = () => Promise.reject(new ModelFileMissingError('404'));
    await expect(lookUpRevision(missing, repoUrlOf(tSpec), 'main')).rejects.toThrow(
      /Couldn't ask which commit “main” of hearth-test\/tiny-llama is.*404 Nothing was downloaded/,
    );
  });

  it('refuses a file served from another commit, or whose bytes differ from the stated SHA-256', () => {
    expect(() =>
      assertServedRevision(new Headers({ 'x-repo-commit': SHA }), SHA, 'a'),
    ).not.toThrow();
    expect(() => assertServedRevision(new Headers(), SHA, 'a')).not.toThrow();
    expect(() =>
      assertServedRevision(new Headers({ 'x-repo-commit': OTHER }), SHA, 'config.json'),
    ).toThrow('“config.json” came from revision fedcba9, not the pinned 0123456');
    const digest = sha256Hex(bytes(10));
    const headers = new Headers({ 'x-linked-etag': `"${digest}"` });
    expect(statedSha256(headers)).toBe(digest);
    expect(statedSha256(new Headers({ 'x-linked-etag': '"abc"' }))).toBeNull();
    expect(() => assertStatedSha256(headers, digest, 'w')).not.toThrow();
    expect(() => assertStatedSha256(headers, sha256Hex(bytes(11)), 'w')).toThrow(
      ModelIntegrityError,
    );
  });
});

describe('stored records are checked again before a load', () => {
  it('refuses a custom model whose repo, dtype or revision is not valid', () => {
    expect(() => checkStoredRecord(installed(tSpec))).not.toThrow();
    for (const spec of [
      { ...tSpec, repo: '../../evil' },
      { ...tSpec, repo: 'owner/name/../../x' },
      { ...tSpec, dtype: 'q4"><script>' },
      { ...tSpec, revision: 'main' },
    ]) {
      const model = installed(spec);
      expect(() => checkStoredRecord(model), JSON.stringify(spec)).toThrow(InvalidModelRecordError);
    }
    expect(() =>
      checkStoredRecord({ ...installed(tSpec), key: 'transformers:other/x@q4' }),
    ).toThrow('its key does not match its spec');
  });

  it('refuses a WebLLM record whose URLs leave the hub', () => {
    expect(() => checkStoredRecord(installed(wSpec))).not.toThrow();
    expect(() =>
      checkStoredRecord(installed({ ...wSpec, modelUrl: 'https://evil.example/mlc-ai/x' })),
    ).toThrow('is off the hub');
    expect(() =>
      checkStoredRecord(installed({ ...wSpec, modelUrl: 'https://huggingface.co/a/../../b' })),
    ).toThrow(InvalidModelRecordError);
  });

  it('accepts every catalog model, pinned', () => {
    const entries = [...webLlmCatalog(), ...transformersCatalog(), ...embeddingCatalog()];
    for (const entry of entries)
      expect(() => checkStoredRecord(installed({ ...entry.spec, revision: SHA }))).not.toThrow();
  });

  it('checks custom models read back from settings', () => {
    expect(checkCustomRef({ repo: 'owner/name', dtype: 'q4' })).toEqual({
      repo: 'owner/name',
      dtype: 'q4',
    });
    expect(() => checkCustomRef({ repo: '//evil.example/x', dtype: 'q4' })).toThrow(
      InvalidRepoError,
    );
    expect(() => checkCustomRef({ repo: 'owner/name', dtype: 'nope' })).toThrow(InvalidRepoError);
    expect(() => checkCustomRef('owner/name')).toThrow(InvalidRepoError);
  });
});

describe('checkBeforeLoad', () => {
  const files = [hashOf('config.json', bytes(5))];

  it('checks a pinned model against its hashes and keeps the record', async () => {
    const checkFiles = vi.fn(() => Promise.resolve(files));
    const model = installed(tSpec, { pin: { files, pinnedAt: 1, how: 'download' } });
    expect(await checkBeforeLoad(model, { checkFiles })).toBeNull();
    expect(checkFiles).toHaveBeenCalledWith(tSpec, files);
  });

  it('pins a record from before pinning on its first load', async () => {
    const checkFiles = vi.fn(() => Promise.resolve(files));
    const model = installed({ ...tSpec, revision: undefined });
    const pinned = await checkBeforeLoad(model, { checkFiles }, 42);
    expect(checkFiles).toHaveBeenCalledWith(model.spec, null);
    expect(pinned?.pin).toEqual({ files, pinnedAt: 42, how: 'first-load' });
  });

  it('refuses an old record whose files are all gone, and an invalid record before hashing', async () => {
    const none = vi.fn(() => Promise.resolve([]));
    await expect(checkBeforeLoad(installed(tSpec), { checkFiles: none })).rejects.toThrow(
      ModelFileMissingError,
    );
    const checkFiles = vi.fn(() => Promise.resolve(files));
    await expect(
      checkBeforeLoad(installed({ ...tSpec, repo: '../x' }), { checkFiles }),
    ).rejects.toThrow(InvalidModelRecordError);
    expect(checkFiles).not.toHaveBeenCalled();
  });
});
