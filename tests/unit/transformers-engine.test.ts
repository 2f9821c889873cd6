// TransformersEngine against the tiny Llama fixture in Node (onnxruntime-node). The fixture is read
// from a local folder (env.localModelPath, test only): the worker's network and cache wiring is
// browser-only and is checked in Chromium; this proves the engine's own logic: streaming, abort,
// stats and maxTokens.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// eslint-disable-next-line no-restricted-imports
import { env } from '@huggingface/transformers';
import { TransformersEngine } from '../../src/lib/llm/transformers/engine';
import type { ChatRequest, LoadProgress, TransformersSpec } from '../../src/lib/llm/types';
import { generateTinyLlama } from '../fixtures/tiny-llama';

const spec: TransformersSpec = {
  engine: 'transformers',
  repo: 'tiny-llama',
  dtype: 'fp32',
  device: 'wasm',
  contextWindow: 2048,
};

const request: ChatRequest = {
  messages: [
    { role: 'system', content: 'You are a helpful assistant.' },
    { role: 'user', content: 'Write a short note about the hearth, please!' },
  ],
  maxTokens: 24,
};

let root = '';
const engine = new TransformersEngine({
  deviceOverride: 'cpu',
  // What the worker's runtime would say it configured (runtime.ts wasmThreads).
  threads: () => 2,
  yieldToEvents: () => new Promise((resolve) => setTimeout(resolve, 0)),
});

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'hearth-engine-'));
  await generateTinyLlama(join(root, spec.repo));
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = root;
});

afterAll(async () => {
  await engine.unload();
  await rm(root, { recursive: true, force: true });
});

describe('TransformersEngine', () => {
  it('refuses to chat before a model is loaded', async () => {
    await expect(engine.chat(request, () => {})).rejects.toThrow(/No model is loaded/);
  });

  it('loads with download then load progress', async () => {
    const events: LoadProgress[] = [];
    expect(await engine.load(spec, (p) => events.push(p))).toEqual({ threads: 2 });
    expect(events.some((e) => e.phase === 'download')).toBe(true);
    expect(events.at(-1)).toMatchObject({ phase: 'load', fraction: 1 });
    const firstLoad = events.findIndex((e) => e.phase === 'load');
    expect(events.slice(firstLoad).every((e) => e.phase === 'load')).toBe(true);
  });

  it('streams deltas one by one and fills the stats', async () => {
    const deltas: { text: string; atMs: number }[] = [];
    const stats = await engine.chat(request, (text) =>
      deltas.push({ text, atMs: performance.now() }),
    );
    expect(deltas.length).toBeGreaterThanOrEqual(2);
    expect(deltas.every((d) => d.text.length > 0)).toBe(true);
    expect(stats.promptTokens).toBeGreaterThan(10);
    expect(stats.completionTokens).toBeGreaterThan(1);
    expect(stats.completionTokens).toBeLessThanOrEqual(24);
    expect(stats.firstTokenMs).toBeGreaterThan(0);
    expect(stats.firstTokenMs).toBeLessThanOrEqual(stats.totalMs);
    expect(stats.prefillTokensPerS).toBeGreaterThan(0);
    expect(stats.decodeTokensPerS).toBeGreaterThan(0);
    expect(['stop', 'length']).toContain(stats.finishReason);
    // Greedy by default: the same prompt gives the same text.
    const again: string[] = [];
    await engine.chat(request, (text) => again.push(text));
    expect(again.join('')).toBe(deltas.map((d) => d.text).join(''));
  });

  it('streams token by token, not word by word, and loses no text', async () => {
    const deltas: string[] = [];
    const stats = await engine.chat({ ...request, maxTokens: 32 }, (text) => deltas.push(text));
    // A token whose bytes end mid-character waits for the next one, so a few tokens share a delta;
    // whole-word streaming would give far fewer (the random model rarely writes spaces).
    expect(deltas.length).toBeGreaterThanOrEqual(stats.completionTokens * 0.6);
    const whole: string[] = [];
    await engine.chat({ ...request, maxTokens: 32 }, (text) => whole.push(text));
    expect(whole.join('')).toBe(deltas.join(''));
  });

  it('respects maxTokens and reports length', async () => {
    for (const maxTokens of [1, 3, 7]) {
      const stats = await engine.chat({ ...request, maxTokens }, () => {});
      expect(stats.completionTokens).toBeLessThanOrEqual(maxTokens);
      if (stats.finishReason === 'length') expect(stats.completionTokens).toBe(maxTokens);
    }
    const stats = await engine.chat({ ...request, maxTokens: 5 }, () => {});
    expect(stats).toMatchObject({ completionTokens: 5, finishReason: 'length' });
  });

  it('stops at once on abort: no delta after it, finishReason abort', async () => {
    const full = await engine.chat({ ...request, maxTokens: 64 }, () => {});
    const controller = new AbortController();
    const deltas: string[] = [];
    let afterAbort = 0;
    const stats = await engine.chat(
      { ...request, maxTokens: 64 },
      (text) => {
        if (controller.signal.aborted) afterAbort++;
        deltas.push(text);
        if (deltas.length === 1) controller.abort();
      },
      controller.signal,
    );
    expect(stats.finishReason).toBe('abort');
    expect(deltas).toHaveLength(1);
    expect(afterAbort).toBe(0);
    expect(stats.completionTokens).toBeLessThan(full.completionTokens);
  });

  it('stops on an abort that arrives as a separate task (as a worker message does)', async () => {
    const controller = new AbortController();
    const deltas: string[] = [];
    const abortedAt: number[] = [];
    const stats = await engine.chat(
      { ...request, maxTokens: 64 },
      (text) => {
        deltas.push(text);
        if (deltas.length === 1)
          setTimeout(() => {
            abortedAt.push(deltas.length);
            controller.abort();
          }, 0);
      },
      controller.signal,
    );
    expect(stats.finishReason).toBe('abort');
    expect(deltas).toHaveLength(abortedAt[0] ?? -1);
    expect(stats.completionTokens).toBeLessThan(64);
  });

  it('rejects a chat whose signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(engine.chat(request, () => {}, controller.signal)).rejects.toThrow();
  });

  it('an aborted load leaves no model loaded', async () => {
    const controller = new AbortController();
    const loading = engine.load(spec, () => controller.abort(), controller.signal);
    await expect(loading).rejects.toThrow();
    await expect(engine.chat(request, () => {})).rejects.toThrow(/No model is loaded/);
    await engine.load(spec, () => {});
  });

  it('reports no processor threads for a model computing on the GPU', async () => {
    // (Node runs it on the CPU all the same: deviceOverride.)
    expect(await engine.load({ ...spec, device: 'webgpu' }, () => {})).toEqual({ threads: null });
  });
});
