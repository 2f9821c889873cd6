// What one model occupies in web-llm's Cache Storage, read from the caches only (never the network):
// the index files, the tokenizer and shards named by the cached index files, and the library.
import type { WebLlmSpec } from '../types';
import {
  CHAT_CONFIG_FILE,
  CONFIG_SCOPE,
  indexKeys,
  isWasmCached,
  MODEL_SCOPE,
  specBaseUrl,
  TENSOR_CACHE_FILE,
  tokenizerFile,
  WASM_SCOPE,
} from './app-config';

export interface CacheFile {
  scope: string;
  url: string;
  /** Known without reading the file (shards: from tensor-cache.json). */
  sizeBytes: number | null;
}

export interface Shard {
  dataPath: string;
  nbytes: number;
}

export async function cachedJson<T>(scope: string, url: string): Promise<T | null> {
  const response = await (await caches.open(scope)).match(url);
  return response ? ((await response.json()) as T) : null;
}

export function shardFiles(spec: WebLlmSpec, shards: Shard[]): CacheFile[] {
  const base = specBaseUrl(spec);
  return shards.map((s) => ({
    scope: MODEL_SCOPE,
    url: new URL(s.dataPath, base).href,
    sizeBytes: s.nbytes,
  }));
}

export function tokenizerAndLibrary(spec: WebLlmSpec, tokenizerFiles: string[]): CacheFile[] {
  const base = specBaseUrl(spec);
  const files: CacheFile[] = [];
  const tokenizer = tokenizerFile(tokenizerFiles);
  if (tokenizer)
    files.push({ scope: MODEL_SCOPE, url: new URL(tokenizer, base).href, sizeBytes: null });
  if (isWasmCached(spec.modelLibUrl))
    files.push({ scope: WASM_SCOPE, url: spec.modelLibUrl, sizeBytes: null });
  return files;
}

/** Every file of the model that the cached index files name (fewer when they are missing). */
export async function knownFiles(spec: WebLlmSpec): Promise<CacheFile[]> {
  const base = specBaseUrl(spec);
  const files: CacheFile[] = indexKeys(spec).map((k) => ({ ...k, sizeBytes: null }));
  const config = await cachedJson<{ tokenizer_files?: string[] }>(
    CONFIG_SCOPE,
    new URL(CHAT_CONFIG_FILE, base).href,
  );
  files.push(...tokenizerAndLibrary(spec, config?.tokenizer_files ?? []));
  const index = await cachedJson<{ records?: Shard[] }>(
    MODEL_SCOPE,
    new URL(TENSOR_CACHE_FILE, base).href,
  );
  files.push(...shardFiles(spec, index?.records ?? []));
  return files;
}

/** Size of a cached file, or null when it is not cached. */
export async function cachedSize(file: CacheFile): Promise<number | null> {
  const response = await (await caches.open(file.scope)).match(file.url);
  if (!response) return null;
  // Chromium's cached blobs are disk-backed: size does not read the body.
  return file.sizeBytes ?? (await response.blob()).size;
}

export async function isCached(file: CacheFile): Promise<boolean> {
  return (await (await caches.open(file.scope)).match(file.url)) !== undefined;
}

/** Deletes every entry under the model's base URL in the config and model caches. */
export async function sweepModelUrl(spec: WebLlmSpec): Promise<void> {
  const base = specBaseUrl(spec);
  for (const scope of [CONFIG_SCOPE, MODEL_SCOPE]) {
    const cache = await caches.open(scope);
    const keys = await cache.keys();
    await Promise.all(keys.filter((r) => r.url.startsWith(base)).map((r) => cache.delete(r)));
  }
}

/**
 * A file's name in the model's recorded hashes: its path under the model's base URL, or the whole
 * URL for a file from elsewhere (the model library).
 */
export function recordedPath(spec: WebLlmSpec, url: string): string {
  const base = specBaseUrl(spec);
  return url.startsWith(base) ? decodeURIComponent(url.slice(base.length)) : url;
}

export { urlOfRecordedPath } from './cache-scopes';

/** The stored body of `url` in whichever of web-llm's caches holds it. */
export async function readCachedBody(url: string): Promise<Blob | null> {
  for (const scope of [CONFIG_SCOPE, MODEL_SCOPE, WASM_SCOPE]) {
    const response = await (await caches.open(scope)).match(url);
    if (response) return response.blob();
  }
  return null;
}
