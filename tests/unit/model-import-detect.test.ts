import { describe, expect, it } from 'vitest';
import { detectModelFolder, rerootFiles } from '../../src/lib/llm/import-detect';
import { ModelImportError } from '../../src/lib/errors';

describe('model folder detection', () => {
  it('detects a WebLLM folder by mlc-chat-config.json', () => {
    expect(
      detectModelFolder([
        'Llama-q4f32/mlc-chat-config.json',
        'Llama-q4f32/tensor-cache.json',
        'Llama-q4f32/params_shard_0.bin',
        'Llama-q4f32/model.wasm',
      ]),
    ).toEqual({ engine: 'webllm', root: 'Llama-q4f32/' });
  });

  it('detects a transformers.js folder by config.json and onnx/', () => {
    expect(
      detectModelFolder([
        'tiny-llama/config.json',
        'tiny-llama/tokenizer.json',
        'tiny-llama/onnx/model.onnx',
      ]),
    ).toEqual({ engine: 'transformers', root: 'tiny-llama/' });
  });

  it('finds the model one level down and at the top', () => {
    expect(detectModelFolder(['models/x/config.json', 'models/x/onnx/model_q4.onnx']).root).toBe(
      'models/x/',
    );
    expect(detectModelFolder(['config.json', 'onnx/model.onnx']).root).toBe('');
  });

  it('prefers WebLLM when both configs are present (an MLC folder also has config.json)', () => {
    expect(
      detectModelFolder(['m/config.json', 'm/mlc-chat-config.json', 'm/onnx/model.onnx']).engine,
    ).toBe('webllm');
  });

  it('explains a config.json without onnx weights', () => {
    expect(() => detectModelFolder(['m/config.json', 'm/model.safetensors'])).toThrow(
      /no onnx\/ folder/,
    );
  });

  it('explains a folder that is neither', () => {
    expect(() => detectModelFolder(['notes/a.md'])).toThrow(ModelImportError);
    expect(() => detectModelFolder([])).toThrow(/empty/);
  });
});

describe('re-rooting', () => {
  it('keeps files under the model folder, paths starting at its name', () => {
    const blob = new Blob(['x']);
    const files = rerootFiles(
      [
        { path: 'pick/tiny/config.json', file: blob },
        { path: 'pick/tiny/onnx/model.onnx', file: blob },
        { path: 'pick/README.md', file: blob },
      ],
      'pick/tiny/',
    );
    expect(files.map((f) => f.path)).toEqual(['tiny/config.json', 'tiny/onnx/model.onnx']);
  });

  it('leaves a picked model folder and top-level files as they are', () => {
    const blob = new Blob(['x']);
    const picked = [
      { path: 'tiny/config.json', file: blob },
      { path: 'tiny/onnx/model.onnx', file: blob },
    ];
    expect(rerootFiles(picked, 'tiny/').map((f) => f.path)).toEqual([
      'tiny/config.json',
      'tiny/onnx/model.onnx',
    ]);
    expect(rerootFiles([{ path: 'config.json', file: blob }], '').map((f) => f.path)).toEqual([
      'config.json',
    ]);
  });
});
