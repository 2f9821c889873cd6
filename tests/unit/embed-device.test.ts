// Choosing WASM or WebGPU for the embedder by timing both: the faster stays loaded, the other is
// disposed, a failing WebGPU loses with its error recorded, and without WebGPU nothing is timed.
import { describe, expect, it } from 'vitest';
import { chooseEmbedDevice } from '../../src/lib/llm/transformers/embed-device';
import type { TransformersSpec } from '../../src/lib/llm/types';
import type { TextEmbedder } from '../../src/lib/search/embedding-types';

const spec: TransformersSpec = {
  engine: 'transformers',
  repo: 'x/enc',
  dtype: 'q8',
  device: 'wasm',
  contextWindow: 512,
  embedding: { dimensions: 4, pooling: 'mean', queryPrefix: '', passagePrefix: '', maxTokens: 512 },
};

function fakeLoader(delayMs: Record<'wasm' | 'webgpu', number | 'fail'>) {
  const disposed: string[] = [];
  const calls = { wasm: 0, webgpu: 0 };
  const load = (s: TransformersSpec): Promise<TextEmbedder> => {
    const delay = delayMs[s.device];
    if (delay === 'fail') return Promise.reject(new Error(`no ${s.device} adapter`));
    return Promise.resolve({
      modelId: 'm',
      dimensions: 4,
      maxTokens: 512,
      device: s.device,
      countTokens: (t) => t.length,
      embed: async (texts) => {
        calls[s.device]++;
        await new Promise((resolve) => setTimeout(resolve, delay));
        return new Float32Array(texts.length * 4);
      },
      dispose: () => {
        disposed.push(s.device);
        return Promise.resolve();
      },
    });
  };
  return { load, disposed, calls };
}

describe('chooseEmbedDevice', () => {
  it('loads WASM without timing when there is no WebGPU', async () => {
    const { load } = fakeLoader({ wasm: 1, webgpu: 1 });
    const { embedder, choice } = await chooseEmbedDevice(spec, { webgpu: false, load });
    expect(embedder.device).toBe('wasm');
    expect(choice).toEqual({ device: 'wasm', timings: [] });
  });

  it('keeps the faster device loaded and reports both timings', async () => {
    const { load, disposed } = fakeLoader({ wasm: 40, webgpu: 5 });
    const { embedder, choice } = await chooseEmbedDevice(spec, { webgpu: true, load, runs: 1 });
    expect(embedder.device).toBe('webgpu');
    expect(choice.device).toBe('webgpu');
    expect(choice.timings.map((t) => t.device)).toEqual(['wasm', 'webgpu']);
    const [wasm, gpu] = choice.timings;
    expect(wasm?.msPerText).toBeGreaterThan(gpu?.msPerText ?? Infinity);
    expect(disposed).toEqual(['wasm']);
  });

  it('does not keep timing a device whose first batch is hopelessly slow', async () => {
    const { load, calls } = fakeLoader({ wasm: 2, webgpu: 300 });
    const { choice } = await chooseEmbedDevice(spec, { webgpu: true, load, runs: 3 });
    expect(choice.device).toBe('wasm');
    expect(calls).toEqual({ wasm: 4, webgpu: 1 });
    expect(choice.timings[1]?.msPerText).toBeCloseTo((choice.timings[1]?.warmupMs ?? 0) / 8, 5);
  });

  it('falls back to WASM when WebGPU fails, with the error recorded', async () => {
    const { load } = fakeLoader({ wasm: 1, webgpu: 'fail' });
    const { embedder, choice } = await chooseEmbedDevice(spec, { webgpu: true, load, runs: 1 });
    expect(embedder.device).toBe('wasm');
    expect(choice.timings[1]).toEqual({
      device: 'webgpu',
      msPerText: null,
      warmupMs: null,
      error: 'no webgpu adapter',
    });
  });

  it('throws when WASM itself fails', async () => {
    const { load } = fakeLoader({ wasm: 'fail', webgpu: 1 });
    await expect(chooseEmbedDevice(spec, { webgpu: true, load })).rejects.toThrow(/no wasm/);
  });
});
