// One web-llm ModelRecord per WebLlmSpec, and the Cache Storage keys web-llm 0.2.86 uses for it.
// The keys are computed exactly as web-llm computes them (cleanModelUrl, `new URL(name, base).href`,
// the raw `model_lib` string) so files stored by the model store are the ones `reload()` and
// `hasModelInCache()` look up. Re-check this file when upgrading web-llm.
import {
  prebuiltAppConfig,
  TENSOR_CACHE_MANIFEST_FILENAME,
  type AppConfig,
  type ModelRecord,
} from '@mlc-ai/web-llm';
import type { WebLlmSpec } from '../types';
import {
  CHAT_CONFIG_FILE,
  CONFIG_SCOPE,
  MODEL_SCOPE,
  pinnedModelUrl,
  specBaseUrl,
} from './cache-scopes';

export {
  CHAT_CONFIG_FILE,
  CONFIG_SCOPE,
  MODEL_SCOPE,
  WASM_SCOPE,
  modelBaseUrl,
  pinnedModelUrl,
  specBaseUrl,
} from './cache-scopes';
export const TENSOR_CACHE_FILE = TENSOR_CACHE_MANIFEST_FILENAME;

/** web-llm fetches a library on localhost or a relative one without caching it (see reloadInternal). */
export function isWasmCached(modelLibUrl: string): boolean {
  return !modelLibUrl.includes('localhost') && modelLibUrl.startsWith('http');
}

/**
 * The record for `spec`. Fields the spec does not carry (a package manifest, buffer needs, declared
 * features) come from web-llm's prebuilt record of the same id when it points at the same weights.
 */
export function modelRecordFor(spec: WebLlmSpec): ModelRecord {
  const prebuilt = prebuiltAppConfig.model_list.find(
    (r) => r.model_id === spec.modelId && r.model === spec.modelUrl,
  );
  const record: ModelRecord = {
    model: pinnedModelUrl(spec),
    model_id: spec.modelId,
    model_lib: spec.modelLibUrl,
  };
  if (spec.vramMB !== null) record.vram_required_MB = spec.vramMB;
  if (spec.contextWindow !== null) record.overrides = { context_window_size: spec.contextWindow };
  if (prebuilt?.model_manifest) record.model_manifest = prebuilt.model_manifest;
  if (prebuilt?.buffer_size_required_bytes)
    record.buffer_size_required_bytes = prebuilt.buffer_size_required_bytes;
  // Declaring the feature makes web-llm fail with ShaderF16SupportError instead of a shader error.
  if (spec.requiresF16) record.required_features = ['shader-f16'];
  return record;
}

export function appConfigFor(spec: WebLlmSpec): AppConfig {
  return { model_list: [modelRecordFor(spec)], cacheBackend: 'cache' };
}

/** The small files web-llm reads before the weights: scope and key of each. */
export function indexKeys(spec: WebLlmSpec): { scope: string; url: string }[] {
  const base = specBaseUrl(spec);
  const record = modelRecordFor(spec);
  const keys = [{ scope: CONFIG_SCOPE, url: new URL(CHAT_CONFIG_FILE, base).href }];
  if (record.model_manifest)
    keys.push({ scope: CONFIG_SCOPE, url: new URL(record.model_manifest, base).href });
  keys.push({ scope: MODEL_SCOPE, url: new URL(TENSOR_CACHE_FILE, base).href });
  return keys;
}

/** The tokenizer file web-llm's asyncLoadTokenizer reads, given the chat config's list. */
export function tokenizerFile(tokenizerFiles: readonly string[]): string | null {
  if (tokenizerFiles.includes('tokenizer.json')) return 'tokenizer.json';
  if (tokenizerFiles.includes('tokenizer.model')) return 'tokenizer.model';
  return null;
}
