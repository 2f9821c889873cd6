// The WebLLM catalog is built from web-llm's own prebuilt list: chat models only, every q4f16 model
// that has a q4f32 build points at it, and every entry carries a positive download estimate.
import { describe, expect, it } from 'vitest';
// The catalog is checked against the list it is built from; the app reaches web-llm through src/lib/llm/webllm/.
// eslint-disable-next-line no-restricted-imports
import { prebuiltAppConfig, ModelType } from '@mlc-ai/web-llm';
import {
  bitsPerWeight,
  displayName,
  estimateDownloadBytes,
  parameterBillions,
  strengthsFor,
  webLlmCatalog,
} from '../../src/lib/llm/webllm/catalog';

const records = prebuiltAppConfig.model_list;
const catalog = webLlmCatalog();
const byId = new Map(catalog.map((e) => [e.spec.engine === 'webllm' ? e.spec.modelId : '', e]));

describe('webLlmCatalog', () => {
  it('lists the chat models only: no embedding, vision or base models', () => {
    const chat = records.filter(
      (r) => (r.model_type ?? ModelType.LLM) === ModelType.LLM && !/-Base-/.test(r.model_id),
    );
    expect(catalog).toHaveLength(chat.length);
    expect(catalog.length).toBe(157); // web-llm 0.2.86; re-count when upgrading
    expect(byId.has('snowflake-arctic-embed-m-q0f32-MLC-b32')).toBe(false);
    expect(byId.has('Phi-3.5-vision-instruct-q4f16_1-MLC')).toBe(false);
    expect(new Set(catalog.map((e) => e.key)).size).toBe(catalog.length);
  });

  it('maps every q4f16 entry that has a q4f32 sibling to it', () => {
    const q4f16 = catalog.filter((e) => e.key.includes('q4f16_1'));
    let withSibling = 0;
    for (const entry of q4f16) {
      const sibling = entry.key.replace('q4f16_1', 'q4f32_1');
      if (catalog.some((e) => e.key === sibling)) {
        withSibling++;
        expect(entry.f32Alternative).toBe(sibling);
      } else expect(entry.f32Alternative).toBeNull();
    }
    expect(withSibling).toBe(66);
    expect(byId.get('Llama-3.2-1B-Instruct-q4f16_1-MLC')?.f32Alternative).toBe(
      'webllm:Llama-3.2-1B-Instruct-q4f32_1-MLC',
    );
    expect(byId.get('gemma3-1b-it-q4f16_1-MLC')?.f32Alternative).toBeNull();
  });

  it('decides f16 by the id, not only by required_features', () => {
    const llama = byId.get('Llama-3.2-1B-Instruct-q4f16_1-MLC');
    expect(
      records.find((r) => r.model_id === 'Llama-3.2-1B-Instruct-q4f16_1-MLC')?.required_features,
    ).toBeUndefined();
    expect(llama?.requiresF16).toBe(true);
    expect(byId.get('Llama-3.2-1B-Instruct-q4f32_1-MLC')?.requiresF16).toBe(false);
    expect(catalog.filter((e) => e.requiresF16).length).toBe(84);
  });

  it('estimates a positive download size for every entry', () => {
    for (const entry of catalog) {
      expect(entry.downloadBytes, entry.key).toBeGreaterThan(0);
      expect(entry.downloadBytesExact).toBe(false);
      expect(entry.hosts).toEqual(['huggingface.co', 'raw.githubusercontent.com']);
      expect(entry.contextWindow).toBeGreaterThan(0);
      expect(entry.strengths.length, entry.key).toBeGreaterThan(0);
    }
    // 1.0 B params at 4.5 bits per weight, plus 16 MiB.
    expect(estimateDownloadBytes('X-1B-q4f16_1-MLC')).toBe(562_500_000 + 16 * 1024 * 1024);
  });

  it('reads parameter counts and quantization from ids', () => {
    expect(parameterBillions('Llama-3.1-8B-Instruct-q4f32_1-MLC')).toBe(8);
    expect(parameterBillions('Qwen2.5-0.5B-Instruct-q4f16_1-MLC')).toBe(0.5);
    expect(parameterBillions('SmolLM2-135M-Instruct-q0f16-MLC')).toBeCloseTo(0.135);
    expect(parameterBillions('stablelm-2-zephyr-1_6b-q4f16_1-MLC')).toBe(1.6);
    expect(parameterBillions('OLMo-2-1124-7B-Instruct-q4f16_1-MLC')).toBe(7);
    expect(parameterBillions('Phi-3.5-mini-instruct-q4f16_1-MLC')).toBe(3.8);
    expect(bitsPerWeight('x-q4f16_1')).toBe(4.5);
    expect(bitsPerWeight('x-q4f32_1')).toBe(5);
    expect(bitsPerWeight('x-q0f32')).toBe(32);
  });

  it('names and routes models from their ids', () => {
    expect(displayName('Llama-3.2-1B-Instruct-q4f32_1-MLC-1k')).toBe(
      'Llama 3.2 1B Instruct · q4f32 · 1k context',
    );
    expect(strengthsFor('Qwen2.5-Coder-7B-Instruct-q4f16_1-MLC')).toEqual(['code', 'writing']);
    expect(strengthsFor('DeepSeek-R1-Distill-Qwen-7B-q4f16_1-MLC')).toEqual([
      'reasoning',
      'writing',
    ]);
    expect(strengthsFor('Qwen3-0.6B-q4f16_1-MLC')).toEqual(['reasoning', 'chat']);
    expect(strengthsFor('Llama-3.2-1B-Instruct-q4f32_1-MLC')).toEqual(['chat']);
  });
});
