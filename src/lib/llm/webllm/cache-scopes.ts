// Where web-llm 0.2.86 keeps a model's files, without importing web-llm itself (a backup reads and
// restores model files in the vault worker, which must not carry the library): its three Cache
// Storage scopes, and the base URL its files are keyed under. app-config.ts re-exports these.
import type { WebLlmSpec } from '../types';

export const CONFIG_SCOPE = 'webllm/config';
export const WASM_SCOPE = 'webllm/wasm';
export const MODEL_SCOPE = 'webllm/model';
export const CHAT_CONFIG_FILE = 'mlc-chat-config.json';
/** The manifest name web-llm's prebuilt records declare (`model_manifest`), kept with the config. */
export const MODEL_MANIFEST_FILE = 'mlc-model-manifest.json';

/** web-llm's private `cleanModelUrl`: `<model>/` plus `resolve/main/` unless a revision is named. */
export function modelBaseUrl(modelUrl: string): string {
  let url = modelUrl.endsWith('/') ? modelUrl : `${modelUrl}/`;
  if (!/.+\/resolve\/.+\//.test(url)) url += 'resolve/main/';
  return new URL(url).href;
}

/**
 * The URL web-llm is given as the record's `model`: a pinned spec names its commit
 * (`<model>/resolve/<commit>/`), which cleanModelUrl keeps as is, so every file web-llm fetches and
 * every cache key it reads is that commit's.
 */
export function pinnedModelUrl(spec: Pick<WebLlmSpec, 'modelUrl' | 'revision'>): string {
  if (!spec.revision) return spec.modelUrl;
  return `${spec.modelUrl.replace(/\/+$/, '')}/resolve/${encodeURIComponent(spec.revision)}/`;
}

/** Where the spec's files sit: `<model>/resolve/<commit or main>/`. */
export function specBaseUrl(spec: Pick<WebLlmSpec, 'modelUrl' | 'revision'>): string {
  return modelBaseUrl(pinnedModelUrl(spec));
}

/** The URL a recorded file path (relative to the model, or a whole URL) is cached under. */
export function urlOfRecordedPath(spec: WebLlmSpec, path: string): string {
  return /^[a-z]+:\/\//.test(path) ? path : new URL(path, specBaseUrl(spec)).href;
}
