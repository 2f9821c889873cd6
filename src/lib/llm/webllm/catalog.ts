// WebLLM's chat models as Hearth catalog entries, from web-llm's own `prebuiltAppConfig`.
import { prebuiltAppConfig, ModelType, type ModelRecord } from '@mlc-ai/web-llm';
import type { CatalogEntry, Task, WebLlmSpec } from '../types.ts';
import { modelKey } from '../types.ts';

/** Every prebuilt chat record overrides it; web-llm otherwise reads mlc-chat-config.json. */
const DEFAULT_CONTEXT_WINDOW = 4096;
const HOSTS = ['huggingface.co', 'raw.githubusercontent.com'];
const MIB = 1024 * 1024;
/** Tokenizer (up to ~10 MB for large vocabularies), model library (~5 MB) and configs. */
const FIXED_OVERHEAD_BYTES = 16 * MIB;

/** Ids whose size is not in the name, or whose name counts effective parameters only. */
const KNOWN_BILLIONS: [RegExp, number][] = [
  [/^gemma-4-E2B/, 5.1],
  [/^phi-2/i, 2.7],
  [/^phi-1_5/i, 1.4],
  [/^Phi-3(\.5)?-mini/, 3.8],
  [/^Phi-4-mini/, 3.8],
];

/** Parameter count in billions from the id: `8B`, `0.6B`, `1_6b`, `135M`; null when absent. */
export function parameterBillions(modelId: string): number | null {
  for (const [pattern, billions] of KNOWN_BILLIONS) if (pattern.test(modelId)) return billions;
  const match = /(\d+(?:[._]\d+)?)([BbMm])(?![A-Za-z0-9])/.exec(modelId);
  if (!match?.[1]) return null;
  const value = Number(match[1].replace('_', '.'));
  return match[2]?.toLowerCase() === 'm' ? value / 1000 : value;
}

/**
 * Bits stored per weight for MLC's `q{w}f{a}` codes: `q0` keeps weights in the float type (16 or 32
 * bits); `q{w}` packs w-bit weights in groups of 32 with one float scale each, so w + a/32
 * (q4f16_1: 4.5, q4f32_1: 5, q3f16_1: 3.5).
 */
export function bitsPerWeight(modelId: string): number | null {
  const match = /q(\d)f(16|32)/.exec(modelId);
  if (!match) return null;
  const weightBits = Number(match[1]);
  const floatBits = Number(match[2]);
  return weightBits === 0 ? floatBits : weightBits + floatBits / 32;
}

/** Download size estimate: parameters × bits per weight / 8, plus a fixed 16 MiB of other files. */
export function estimateDownloadBytes(modelId: string): number | null {
  const billions = parameterBillions(modelId);
  const bits = bitsPerWeight(modelId);
  if (billions === null || bits === null) return null;
  return Math.round((billions * 1e9 * bits) / 8) + FIXED_OVERHEAD_BYTES;
}

export function isChatRecord(record: ModelRecord): boolean {
  const type = record.model_type ?? ModelType.LLM;
  // Base (not instruction-tuned) models do not follow a chat template.
  return type === ModelType.LLM && !/-Base-/.test(record.model_id);
}

/** The id of the same model with 32-bit floats (`q4f16_1` → `q4f32_1`, `q0f16` → `q0f32`). */
export function f32Id(modelId: string): string | null {
  const f32 = modelId.replace(/q(\d)f16/, 'q$1f32');
  return f32 === modelId ? null : f32;
}

/** The f32 sibling among web-llm's prebuilt models, if one exists. */
export function f32Sibling(modelId: string): string | null {
  const id = f32Id(modelId);
  return id && prebuiltAppConfig.model_list.some((r) => r.model_id === id) ? id : null;
}

export function requiresF16(record: ModelRecord): boolean {
  // Only some f16 records declare required_features, so the id decides.
  return /f16/.test(record.model_id) || (record.required_features ?? []).includes('shader-f16');
}

export function strengthsFor(modelId: string): Task[] {
  const strengths: Task[] = [];
  const code = /Coder|Code/.test(modelId);
  const reasoning = /DeepSeek-R1|Qwen3|Reasoning|Math/i.test(modelId);
  if (code) strengths.push('code');
  if (reasoning) strengths.push('reasoning');
  if ((parameterBillions(modelId) ?? 0) >= 7) strengths.push('writing');
  else if (!code && !/Math/i.test(modelId)) strengths.push('chat');
  return strengths;
}

/** `Llama-3.2-1B-Instruct-q4f32_1-MLC-1k` → `Llama 3.2 1B Instruct · q4f32 · 1k context`. */
export function displayName(modelId: string): string {
  const quant = /-(q\d+f\d+)(?:_\d+)?/.exec(modelId);
  const base = (quant ? modelId.slice(0, quant.index) : modelId.replace(/-MLC.*$/, '')).replace(
    /-/g,
    ' ',
  );
  const parts = [base];
  if (quant?.[1]) parts.push(quant[1]);
  if (/-1k$/.test(modelId)) parts.push('1k context');
  return parts.join(' · ');
}

export function catalogEntry(record: ModelRecord, ids: ReadonlySet<string>): CatalogEntry {
  const spec: WebLlmSpec = {
    engine: 'webllm',
    modelId: record.model_id,
    modelUrl: record.model,
    modelLibUrl: record.model_lib,
    vramMB: record.vram_required_MB ?? null,
    contextWindow: record.overrides?.context_window_size ?? DEFAULT_CONTEXT_WINDOW,
    requiresF16: requiresF16(record),
  };
  const f32 = f32Id(record.model_id);
  return {
    key: modelKey(spec),
    name: displayName(record.model_id),
    spec,
    downloadBytes: estimateDownloadBytes(record.model_id),
    downloadBytesExact: false,
    vramMB: spec.vramMB,
    contextWindow: spec.contextWindow,
    requiresF16: spec.requiresF16,
    f32Alternative: f32 && ids.has(f32) ? modelKey({ ...spec, modelId: f32 }) : null,
    hosts: HOSTS,
    strengths: strengthsFor(record.model_id),
  };
}

export function webLlmCatalog(records: readonly ModelRecord[] = prebuiltAppConfig.model_list) {
  const chat = records.filter(isChatRecord);
  const ids = new Set(chat.map((r) => r.model_id));
  return chat.map((record) => catalogEntry(record, ids));
}
