// Validation of a picked WebLLM model folder: every missing or malformed file is named.
import { describe, expect, it } from 'vitest';
import { ModelImportError } from '../../src/lib/errors';
import {
  isWasmBinary,
  locateWebLlmFolder,
  planWebLlmImport,
  slugify,
  type PickedFile,
} from '../../src/lib/llm/webllm/import-layout';

const config = JSON.stringify({
  conv_template: { name: 'llama-3' },
  context_window_size: 4096,
  quantization: 'q4f32_1',
  tokenizer_files: ['tokenizer.json', 'tokenizer_config.json'],
});
const tensorCache = JSON.stringify({
  metadata: {},
  records: [
    { dataPath: 'params_shard_0.bin', nbytes: 100, records: [] },
    { dataPath: 'params_shard_1.bin', nbytes: 50, records: [] },
  ],
});

function folder(overrides: Record<string, number | null> = {}): PickedFile[] {
  const files: Record<string, number | null> = {
    'Tiny-q4f32_1-MLC/mlc-chat-config.json': 200,
    'Tiny-q4f32_1-MLC/tensor-cache.json': 300,
    'Tiny-q4f32_1-MLC/tokenizer.json': 1000,
    'Tiny-q4f32_1-MLC/tokenizer_config.json': 10,
    'Tiny-q4f32_1-MLC/params_shard_0.bin': 100,
    'Tiny-q4f32_1-MLC/params_shard_1.bin': 50,
    'Tiny-q4f32_1-MLC/Tiny-q4f32_1-webgpu.wasm': 5000,
    ...overrides,
  };
  return Object.entries(files)
    .filter(([, size]) => size !== null)
    .map(([path, size]) => ({ path, sizeBytes: size as number }));
}

function plan(files: PickedFile[], configText = config, cacheText = tensorCache) {
  return planWebLlmImport(
    locateWebLlmFolder(files.map((f) => f.path)),
    files,
    configText,
    cacheText,
  );
}

function importError(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ModelImportError);
    return (error as Error).message;
  }
  throw new Error('expected a ModelImportError');
}

describe('locateWebLlmFolder', () => {
  it('finds the model folder, its index and its one library', () => {
    const found = locateWebLlmFolder(folder().map((f) => f.path));
    expect(found).toEqual({
      root: 'Tiny-q4f32_1-MLC',
      slug: 'Tiny-q4f32_1-MLC',
      configPath: 'Tiny-q4f32_1-MLC/mlc-chat-config.json',
      tensorCachePath: 'Tiny-q4f32_1-MLC/tensor-cache.json',
      wasmPath: 'Tiny-q4f32_1-MLC/Tiny-q4f32_1-webgpu.wasm',
    });
  });

  it('accepts files picked at the top level and the older ndarray-cache.json', () => {
    const found = locateWebLlmFolder(['mlc-chat-config.json', 'ndarray-cache.json', 'lib.wasm']);
    expect(found.root).toBe('');
    expect(found.tensorCachePath).toBe('ndarray-cache.json');
    expect(found.slug).toBe('lib');
  });

  it('names what is missing', () => {
    const paths = (o: Record<string, null>) => folder(o).map((f) => f.path);
    expect(
      importError(() =>
        locateWebLlmFolder(paths({ 'Tiny-q4f32_1-MLC/mlc-chat-config.json': null })),
      ),
    ).toContain('mlc-chat-config.json');
    expect(
      importError(() => locateWebLlmFolder(paths({ 'Tiny-q4f32_1-MLC/tensor-cache.json': null }))),
    ).toContain('tensor-cache.json');
    expect(
      importError(() =>
        locateWebLlmFolder(paths({ 'Tiny-q4f32_1-MLC/Tiny-q4f32_1-webgpu.wasm': null })),
      ),
    ).toContain('.wasm');
  });

  it('refuses several libraries', () => {
    const paths = folder({ 'Tiny-q4f32_1-MLC/other.wasm': 10 }).map((f) => f.path);
    expect(importError(() => locateWebLlmFolder(paths))).toContain('other.wasm');
  });
});

describe('planWebLlmImport', () => {
  it('lists every file with its cache and name', () => {
    const result = plan(folder());
    expect(result.files.map((f) => `${f.scope}:${f.name}`)).toEqual([
      'config:mlc-chat-config.json',
      'model:tensor-cache.json',
      'model:tokenizer.json',
      'model:params_shard_0.bin',
      'model:params_shard_1.bin',
      'wasm:Tiny-q4f32_1-webgpu.wasm',
    ]);
    expect(result.contextWindow).toBe(4096);
    expect(result.requiresF16).toBe(false);
    expect(result.totalBytes).toBe(200 + 300 + 1000 + 100 + 50 + 5000);
  });

  it('stores ndarray-cache.json under the name web-llm 0.2.86 reads', () => {
    const files = folder({
      'Tiny-q4f32_1-MLC/tensor-cache.json': null,
      'Tiny-q4f32_1-MLC/ndarray-cache.json': 300,
    });
    const stored = plan(files).files.find((f) => f.path.endsWith('ndarray-cache.json'));
    expect(stored?.name).toBe('tensor-cache.json');
  });

  it('names a missing shard, tokenizer or a truncated shard', () => {
    expect(importError(() => plan(folder({ 'Tiny-q4f32_1-MLC/params_shard_1.bin': null })))).toBe(
      'The folder is missing params_shard_1.bin (listed in tensor-cache.json).',
    );
    expect(importError(() => plan(folder({ 'Tiny-q4f32_1-MLC/tokenizer.json': null })))).toContain(
      'tokenizer.json',
    );
    expect(
      importError(() => plan(folder({ 'Tiny-q4f32_1-MLC/params_shard_0.bin': 99 }))),
    ).toContain('params_shard_0.bin is 99 bytes');
  });

  it('names malformed index files', () => {
    expect(importError(() => plan(folder(), '{not json'))).toContain(
      'mlc-chat-config.json is not valid JSON',
    );
    expect(importError(() => plan(folder(), JSON.stringify({ tokenizer_files: [] })))).toContain(
      'conv_template',
    );
    expect(
      importError(() =>
        plan(folder(), JSON.stringify({ conv_template: {}, tokenizer_files: ['vocab.txt'] })),
      ),
    ).toContain('neither tokenizer.json nor tokenizer.model');
    expect(importError(() => plan(folder(), config, '[]'))).toContain(
      'tensor-cache.json is not a JSON object',
    );
    expect(importError(() => plan(folder(), config, JSON.stringify({ records: [{}] })))).toContain(
      'shard 0',
    );
  });

  it('reads f16 from the quantization', () => {
    const f16 = JSON.stringify({ ...JSON.parse(config), quantization: 'q4f16_1' });
    expect(plan(folder(), f16).requiresF16).toBe(true);
  });
});

describe('helpers', () => {
  it('recognises a wasm header and makes URL-safe slugs', () => {
    expect(isWasmBinary(new Uint8Array([0, 0x61, 0x73, 0x6d]))).toBe(true);
    expect(isWasmBinary(new TextEncoder().encode('<!DOCTYPE'))).toBe(false);
    expect(slugify('My Model (v2)')).toBe('My-Model-v2');
    expect(slugify('...')).toBe('model');
  });
});
