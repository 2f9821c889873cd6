// loadEmbedder against the tiny BERT fixture in Node (onnxruntime-node), read from a local folder
// (env.localModelPath, test only). Proves the embedder's own logic: pooling, normalization,
// batching, prefixes, truncation and token counting. The raw model rate is printed for reference.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// eslint-disable-next-line no-restricted-imports
import { AutoModel, AutoTokenizer, env } from '@huggingface/transformers';
import { noNetwork } from '../../src/lib/llm/transformers/activity';
import { loadEmbedder } from '../../src/lib/llm/transformers/embedder';
import type { LoadProgress, TransformersSpec } from '../../src/lib/llm/types';
import type { TextEmbedder } from '../../src/lib/search/embedding-types';
import { generateTinyBert } from '../fixtures/tiny-bert';

const DIMS = 32;

const spec: TransformersSpec = {
  engine: 'transformers',
  repo: 'tiny-bert',
  dtype: 'fp32',
  device: 'wasm',
  contextWindow: 512,
  embedding: {
    dimensions: DIMS,
    pooling: 'mean',
    queryPrefix: 'query: ',
    passagePrefix: 'passage: ',
    maxTokens: 512,
  },
};

const texts = [
  'Show the current git branch and its status.',
  'Zeige den aktuellen Pfad der Datei.',
  '显示当前目录中的文件',
  'ファイルを表示します',
  'Create a new docker container from an image.',
  'list',
];

let root = '';
let embedder: TextEmbedder;
const progress: LoadProgress[] = [];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'hearth-embedder-'));
  await generateTinyBert(join(root, spec.repo));
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = root;
  embedder = await loadEmbedder(spec, {
    network: noNetwork,
    deviceOverride: 'cpu',
    onProgress: (p) => progress.push(p),
    // What the worker's runtime would say it configured (runtime.ts wasmThreads).
    threads: () => 2,
  });
});

afterAll(async () => {
  await embedder.dispose();
  await rm(root, { recursive: true, force: true });
});

function vectorAt(all: Float32Array, i: number): Float32Array {
  return all.subarray(i * DIMS, (i + 1) * DIMS);
}

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] ?? 0) * (b[i] ?? 0);
  return sum;
}

describe('loadEmbedder (tiny BERT, Node)', () => {
  it('reports load progress and describes the model', () => {
    expect(progress.at(-1)).toMatchObject({ phase: 'load', fraction: 1 });
    expect(embedder).toMatchObject({
      modelId: 'transformers:tiny-bert@fp32',
      dimensions: DIMS,
      maxTokens: 512,
      threads: 2,
      device: 'wasm',
    });
  });

  it('refuses a chat model spec', async () => {
    const { embedding: _, ...chat } = spec;
    await expect(loadEmbedder(chat, { network: noNetwork })).rejects.toThrow(/chat model/);
  });

  it('returns n × dims unit vectors in a fresh buffer', async () => {
    const out = await embedder.embed(texts, 'passage');
    expect(out).toBeInstanceOf(Float32Array);
    expect(out.length).toBe(texts.length * DIMS);
    expect(out.byteOffset).toBe(0);
    expect(out.buffer.byteLength).toBe(out.byteLength);
    for (let i = 0; i < texts.length; i++)
      expect(Math.sqrt(dot(vectorAt(out, i), vectorAt(out, i)))).toBeCloseTo(1, 5);
    expect(await embedder.embed([], 'passage')).toHaveLength(0);
  });

  it('is deterministic, and a batch equals the texts one by one', async () => {
    const batch = await embedder.embed(texts, 'passage');
    expect(await embedder.embed(texts, 'passage')).toEqual(batch);
    for (let i = 0; i < texts.length; i++) {
      const single = await embedder.embed([texts[i] ?? ''], 'passage');
      const expected = vectorAt(batch, i);
      for (let d = 0; d < DIMS; d++)
        expect(Math.abs((single[d] ?? 0) - (expected[d] ?? 0))).toBeLessThan(1e-5);
    }
  });

  it('gives distinct texts distinct vectors, and a text is nearest to itself', async () => {
    const out = await embedder.embed(texts, 'passage');
    for (let i = 0; i < texts.length; i++) {
      for (let j = 0; j < texts.length; j++) {
        if (i === j) continue;
        expect(dot(vectorAt(out, i), vectorAt(out, j))).toBeLessThan(0.99);
      }
    }
    const queries = await embedder.embed(texts, 'passage');
    for (let i = 0; i < texts.length; i++) {
      const scores = texts.map((_, j) => dot(vectorAt(queries, i), vectorAt(out, j)));
      expect(scores.indexOf(Math.max(...scores))).toBe(i);
    }
  });

  it('prefixes queries and passages differently', async () => {
    const query = await embedder.embed([texts[0] ?? ''], 'query');
    const passage = await embedder.embed([texts[0] ?? ''], 'passage');
    expect(dot(query, passage)).toBeLessThan(0.9999);
  });

  it('counts tokens without special tokens, in every language of the corpus', () => {
    expect(embedder.countTokens('')).toBe(0);
    expect(embedder.countTokens('show the file')).toBe(3);
    expect(embedder.countTokens('Zeige den Pfad')).toBe(3);
    expect(embedder.countTokens('显示文件')).toBe(4);
    expect(embedder.countTokens('ファイル')).toBeGreaterThanOrEqual(1);
  });

  it('truncates a text longer than maxTokens instead of failing', async () => {
    const long = 'show the current file path and its information '.repeat(200);
    expect(embedder.countTokens(long)).toBeGreaterThan(1000);
    const [out, again] = await Promise.all([
      embedder.embed([long], 'passage'),
      embedder.embed([long + ' more words at the end'], 'passage'),
    ]);
    expect(out).toHaveLength(DIMS);
    // Only the first maxTokens count: the tail changes nothing.
    expect(again).toEqual(out);
  });

  it('measures the embed rate against the raw model (printed, not asserted)', async () => {
    const chunk =
      'show the current file path and list the git branch status of the project '.repeat(9);
    const batch = Array.from({ length: 32 }, (_, i) => `${i} ${chunk}`);
    const tokenizer = await AutoTokenizer.from_pretrained(spec.repo);
    const model = await AutoModel.from_pretrained(spec.repo, { dtype: 'fp32', device: 'cpu' });
    const timeRuns = async (run: () => Promise<unknown>) => {
      await run();
      const started = performance.now();
      for (let i = 0; i < 5; i++) await run();
      return (5 * batch.length) / ((performance.now() - started) / 1000);
    };
    const rawPerS = await timeRuns(async () => {
      const inputs = tokenizer(batch, { padding: true, truncation: true });
      const out = (await model(inputs)) as { last_hidden_state: { dispose(): void } };
      out.last_hidden_state.dispose();
    });
    const hearthPerS = await timeRuns(() => embedder.embed(batch, 'passage'));
    await model.dispose();
    console.log(
      `tiny BERT, ${embedder.countTokens(batch[0] ?? '')}-token texts in batches of ${batch.length}: raw ${rawPerS.toFixed(0)}/s, embedder ${hearthPerS.toFixed(0)}/s (${((100 * hearthPerS) / rawPerS).toFixed(0)} %)`,
    );
  });
});
