// The embedding models offered in the Models view, the default per device, the installed model
// memory prefers, and how one embed call is split into batches of similar length.
import { describe, expect, it } from 'vitest';
import { planBatches } from '../../src/lib/llm/transformers/embed-batches';
import {
  defaultEmbeddingKey,
  embeddingCatalog,
  preferredEmbeddingModel,
} from '../../src/lib/llm/transformers/embedding-catalog';
import { modelRole, type InstalledModel, type TransformersSpec } from '../../src/lib/llm/types';

function installed(key: string, spec: TransformersSpec, installedAt: number): InstalledModel {
  return { key, name: key, spec, source: 'hub', sizeBytes: 1, installedAt, complete: true };
}

describe('embeddingCatalog', () => {
  const entries = embeddingCatalog();

  it('lists embedding models only, each with a complete embedding spec', () => {
    expect(entries.length).toBeGreaterThanOrEqual(3);
    for (const entry of entries) {
      expect(modelRole(entry.spec)).toBe('embedding');
      const spec = entry.spec as TransformersSpec;
      expect(entry.key).toBe(`transformers:${spec.repo}@${spec.dtype}`);
      expect(spec.embedding?.dimensions).toBe(384);
      expect(spec.embedding?.maxTokens).toBeLessThanOrEqual(512);
      expect(entry.strengths).toEqual([]);
    }
  });

  it('offers an English and a multilingual model with their own prefixes', () => {
    const byRepo = new Map(entries.map((e) => [(e.spec as TransformersSpec).repo, e.spec]));
    const e5 = byRepo.get('Xenova/multilingual-e5-small') as TransformersSpec;
    expect(e5.embedding).toMatchObject({ pooling: 'mean', queryPrefix: 'query: ' });
    const bge = byRepo.get('Xenova/bge-small-en-v1.5') as TransformersSpec;
    expect(bge.embedding).toMatchObject({ pooling: 'cls', passagePrefix: '' });
    expect(bge.embedding?.queryPrefix).toMatch(/^Represent this sentence/);
  });

  it('defaults to int8 on a CPU (software WebGPU included) and fp32 on a real GPU', () => {
    expect(defaultEmbeddingKey({ webgpu: false })).toBe('transformers:Xenova/bge-small-en-v1.5@q8');
    expect(defaultEmbeddingKey({ webgpu: true, architecture: 'swiftshader' })).toBe(
      'transformers:Xenova/bge-small-en-v1.5@q8',
    );
    expect(defaultEmbeddingKey({ webgpu: true, architecture: 'ampere' })).toBe(
      'transformers:Xenova/bge-small-en-v1.5@fp32',
    );
    const keys = entries.map((e) => e.key);
    expect(keys).toContain(defaultEmbeddingKey({ webgpu: true }));
  });
});

describe('preferredEmbeddingModel', () => {
  const [bge, , e5] = embeddingCatalog();
  const chat: TransformersSpec = {
    engine: 'transformers',
    repo: 'x/chat',
    dtype: 'q4',
    device: 'wasm',
    contextWindow: 2048,
  };
  const imported = {
    ...chat,
    repo: 'imported/enc',
    embedding: {
      dimensions: 32,
      pooling: 'mean' as const,
      queryPrefix: '',
      passagePrefix: '',
      maxTokens: 512,
    },
  };

  it('is null without an installed embedding model', () => {
    expect(preferredEmbeddingModel([])).toBeNull();
    expect(preferredEmbeddingModel([installed('chat', chat, 1)])).toBeNull();
  });

  it('prefers catalog order, then the newest import; skips partial downloads', () => {
    if (!bge || !e5) throw new Error('catalog changed');
    const e5Model = installed(e5.key, e5.spec as TransformersSpec, 1);
    const bgeModel = installed(bge.key, bge.spec as TransformersSpec, 2);
    const old = installed('transformers:imported/old@fp32', imported, 3);
    const recent = installed('transformers:imported/new@fp32', imported, 4);
    expect(preferredEmbeddingModel([recent, e5Model, bgeModel])).toBe(bge.key);
    expect(preferredEmbeddingModel([old, recent])).toBe(recent.key);
    expect(preferredEmbeddingModel([{ ...bgeModel, complete: false }, old])).toBe(old.key);
  });
});

describe('planBatches', () => {
  it('keeps every index exactly once', () => {
    const lengths = [5, 120, 7, 128, 6, 64, 60];
    const groups = planBatches(lengths);
    expect(groups.flat().sort((a, b) => a - b)).toEqual(lengths.map((_, i) => i));
  });

  it('groups similar lengths so padding stays small', () => {
    const groups = planBatches([10, 128, 11, 127, 12]);
    expect(groups).toEqual([
      [0, 2, 4],
      [3, 1],
    ]);
  });

  it('caps a group at 32 texts and handles an empty call', () => {
    expect(planBatches(new Array<number>(70).fill(20)).map((g) => g.length)).toEqual([32, 32, 6]);
    expect(planBatches([])).toEqual([]);
  });
});
