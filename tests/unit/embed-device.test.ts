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

/**
 * Embedders that "take" `delayMs` per batch on a fake clock: timings are exact and no real timer
 * runs, so a busy machine cannot flip which device wins.
 */
function fakeLoader(delayMs: Record<'wasm' | 'webgpu', number | 'fail'>) {
  const disposed: string[] = [];
  const calls = { wasm: 0, webgpu: 0 };
  let clockMs = 0;
  const now = () => clockMs;
  const load = (s: TransformersSpec): Promise<TextEmbedder> => {
    const delay = delayMs[s.device];
    if (delay === 'fail') return Promise.reject(new Error(`no ${s.device} adapter`));
    return Promise.resolve({
      modelId: 'm',
      dimensions: 4,
      maxTokens: 512,
      device: s.device,
      threads: s.device === 'wasm' ? 1 : null,
      countTokens: (t) => t.length,
      embed: async (texts) => {
        calls[s.device]++;
        await Promise.resolve();
        clockMs += delay;
        return new Float32Array(texts.length * 4);
      },
      dispose: () => {
        disposed.push(s.device);
        return Promise.resolve();
      },
    });
  };
  return { load, disposed, calls, now };
}

describe('chooseEmbedDevice', () => {
  it('loads WASM without timing when there is no WebGPU', async () => {
    const { load, now } = fakeLoader({ wasm: 1, webgpu: 1 });
    const { embedder, choice } = await chooseEmbedDevice(spec, { webgpu: false, load, now });
    expect(embedder.device).toBe('wasm');
    expect(choice).toEqual({ device: 'wasm', timings: [] });
  });

  it('keeps the faster device loaded and reports both timings', async () => {
    const { load, disposed, now } = fakeLoader({ wasm: 40, webgpu: 5 });
    const { embedder, choice } = await chooseEmbedDevice(spec, {
      webgpu: true,
      load,
      runs: 1,
      now,
    });
    expect(embedder.device).toBe('webgpu');
    expect(choice.device).toBe('webgpu');
    expect(choice.timings).toEqual([
      { device: 'wasm', msPerText: 40 / 8, warmupMs: 40, error: null },
      { device: 'webgpu', msPerText: 5 / 8, warmupMs: 5, error: null },
    ]);
    expect(disposed).toEqual(['wasm']);
  });

  it('does not keep timing a device whose first batch is hopelessly slow', async () => {
    const { load, calls, now } = fakeLoader({ wasm: 2, webgpu: 300 });
    const { choice } = await chooseEmbedDevice(spec, { webgpu: true, load, runs: 3, now });
    expect(choice.device).toBe('wasm');
    expect(calls).toEqual({ wasm: 4, webgpu: 1 });
    expect(choice.timings[1]).toEqual({
      device: 'webgpu',
      msPerText: 300 / 8,
      warmupMs: 300,
      error: null,
    });
  });

  it('falls back to WASM when WebGPU fails, with the error recorded', async () => {
    const { load, now } = fakeLoader({ wasm: 1, webgpu: 'fail' });
    const { embedder, choice } = await chooseEmbedDevice(spec, {
      webgpu: true,
      load,
      runs: 1,
      now,
    });
    expect(embedder.device).toBe('wasm');
    expect(choice.timings[1]).toEqual({
      device: 'webgpu',
      msPerText: null,
      warmupMs: null,
      error: 'no webgpu adapter',
    });
  });

  it('throws when WASM itself fails', async () => {
    const { load, now } = fakeLoader({ wasm: 'fail', webgpu: 1 });
    await expect(chooseEmbedDevice(spec, { webgpu: true, load, now })).rejects.toThrow(/no wasm/);
  });
});
