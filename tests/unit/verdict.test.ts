// Device verdicts before download, against probes shaped like real ones (SwiftShader as measured on
// this machine, a browser without WebGPU).
import { describe, expect, it } from 'vitest';
import type { CatalogEntry, DeviceProbe } from '../../src/lib/llm/types';
import { replacedF16, verdictFor, visibleCatalog } from '../../src/lib/llm/verdict';
import { webLlmCatalog } from '../../src/lib/llm/webllm/catalog';

const GIB = 1024 ** 3;

const swiftshader: DeviceProbe = {
  webgpu: true,
  vendor: 'google',
  architecture: 'swiftshader',
  description: 'SwiftShader device (Subzero)',
  shaderF16: false,
  maxStorageBufferBindingSize: GIB,
  maxBufferSize: GIB,
  deviceMemoryGB: 8,
  storageUsageBytes: 0,
  storageQuotaBytes: 10 * GIB,
  crossOriginIsolated: true,
  logicalCores: 2,
};

const noWebGpu: DeviceProbe = {
  ...swiftshader,
  webgpu: false,
  vendor: null,
  architecture: null,
  description: null,
  maxStorageBufferBindingSize: null,
  maxBufferSize: null,
};

const catalog = webLlmCatalog();
const entry = (modelId: string) => {
  const found = catalog.find((e) => e.key === `webllm:${modelId}`);
  if (!found) throw new Error(`no ${modelId}`);
  return found;
};

function cpuEntry(sizeBytes: number, device: 'wasm' | 'webgpu' = 'wasm'): CatalogEntry {
  const spec = {
    engine: 'transformers' as const,
    repo: 'HuggingFaceTB/SmolLM2-135M-Instruct',
    dtype: 'q8',
    device,
    contextWindow: 2048,
  };
  return {
    key: `transformers:${spec.repo}@${spec.dtype}`,
    name: 'SmolLM2 135M',
    spec,
    downloadBytes: sizeBytes,
    downloadBytesExact: true,
    vramMB: null,
    contextWindow: 2048,
    requiresF16: false,
    f32Alternative: null,
    hosts: ['huggingface.co'],
    strengths: ['chat'],
  };
}

describe('verdictFor on SwiftShader (no shader-f16, 1 GiB limits)', () => {
  it('rules out q4f16 models and names the f32 variant', () => {
    const result = verdictFor(entry('Llama-3.2-1B-Instruct-q4f16_1-MLC'), swiftshader);
    expect(result.verdict).toBe('wont-fit');
    expect(result.reason).toContain('shader-f16');
    expect(result.reason).toContain('Llama-3.2-1B-Instruct-q4f32_1-MLC');
  });

  it('says when an f16 model has no f32 variant', () => {
    const result = verdictFor(entry('gemma3-1b-it-q4f16_1-MLC'), swiftshader);
    expect(result.verdict).toBe('wont-fit');
    expect(result.reason).toContain('no 32-bit variant');
  });

  it('lets a small q4f32 model fit', () => {
    expect(verdictFor(entry('SmolLM2-360M-Instruct-q4f32_1-MLC'), swiftshader).verdict).toBe(
      'fits',
    );
    expect(['fits', 'tight']).toContain(
      verdictFor(entry('Llama-3.2-1B-Instruct-q4f32_1-MLC'), swiftshader).verdict,
    );
  });

  it('warns that big models crawl on an emulated GPU, and rules out what exceeds memory', () => {
    const mid = verdictFor(entry('Llama-3.2-3B-Instruct-q4f32_1-MLC'), swiftshader);
    expect(mid.verdict).toBe('tight');
    expect(mid.reason).toContain('SwiftShader');
    expect(
      verdictFor(entry('Llama-3.1-70B-Instruct-q3f16_1-MLC'), { ...swiftshader, shaderF16: true })
        .verdict,
    ).toBe('wont-fit');
  });

  it('rules out a download larger than the free storage', () => {
    const full = { ...swiftshader, storageUsageBytes: 10 * GIB - 100 * 1024 * 1024 };
    const result = verdictFor(entry('Llama-3.2-1B-Instruct-q4f32_1-MLC'), full);
    expect(result.verdict).toBe('wont-fit');
    expect(result.reason).toContain('Not enough storage');
  });
});

describe('verdictFor without WebGPU', () => {
  it('rules out every WebLLM entry', () => {
    for (const e of catalog) {
      const result = verdictFor(e, noWebGpu);
      expect(result.verdict, e.key).toBe('wont-fit');
      expect(result.reason).toContain('WebGPU');
    }
  });

  it('keeps small transformers.js models on the CPU', () => {
    expect(verdictFor(cpuEntry(140 * 1024 * 1024), noWebGpu).verdict).toBe('fits');
    expect(
      verdictFor(cpuEntry(140 * 1024 * 1024), { ...noWebGpu, deviceMemoryGB: 1 }).verdict,
    ).toBe('wont-fit');
    expect(verdictFor(cpuEntry(140 * 1024 * 1024, 'webgpu'), noWebGpu).verdict).toBe('wont-fit');
    expect(verdictFor(cpuEntry(140 * 1024 * 1024), swiftshader).verdict).toBe('fits');
  });
});

describe('visibleCatalog', () => {
  const merged = [...catalog, cpuEntry(140 * 1024 * 1024)];

  it('offers q4f32 in place of q4f16 when the GPU lacks shader-f16', () => {
    const shown = visibleCatalog(merged, swiftshader);
    const keys = new Set(shown.map((e) => e.key));
    expect(keys.has('webllm:Llama-3.2-1B-Instruct-q4f16_1-MLC')).toBe(false);
    expect(keys.has('webllm:Llama-3.2-1B-Instruct-q4f32_1-MLC')).toBe(true);
    // f16 models without an f32 variant stay, judged won't fit.
    expect(keys.has('webllm:gemma3-1b-it-q4f16_1-MLC')).toBe(true);
    expect(keys.has(merged.at(-1)!.key)).toBe(true);
    const replaced = replacedF16(merged, swiftshader);
    expect(replaced.get('webllm:Llama-3.2-1B-Instruct-q4f32_1-MLC')?.key).toBe(
      'webllm:Llama-3.2-1B-Instruct-q4f16_1-MLC',
    );
  });

  it('orders fits, then tight, then won’t fit', () => {
    const ranks = { fits: 0, tight: 1, 'wont-fit': 2 };
    const order = visibleCatalog(merged, swiftshader).map(
      (e) => ranks[verdictFor(e, swiftshader).verdict],
    );
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it('keeps every entry when the GPU has shader-f16', () => {
    const f16 = { ...swiftshader, shaderF16: true };
    expect(visibleCatalog(merged, f16)).toHaveLength(merged.length);
    expect(replacedF16(merged, f16).size).toBe(0);
  });
});
