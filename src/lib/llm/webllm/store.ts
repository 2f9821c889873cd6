// WebLLM's model store. web-llm has no download-only API, so a download fetches the files itself,
// file by file, into web-llm's own caches under exactly the keys reload() reads (app-config.ts):
// afterwards hasModelInCache() is true and a load touches no network. A cancelled or failed download
// keeps every finished file; a retry skips them (resume per shard). Cache.put of a half-read body
// stores nothing, so no file is ever half there.
import { formatBytes } from '../../format-bytes';
import {
  deleteChatConfigInCache,
  deleteModelInCache,
  deleteModelWasmInCache,
  hasModelInCache,
} from '@mlc-ai/web-llm';
import { HearthError, ModelTooLargeError } from '../../errors';
import type {
  CatalogEntry,
  DownloadProgress,
  InstalledModel,
  ModelFile,
  ModelSpec,
  ModelStoreBackend,
  WebLlmSpec,
} from '../types';
import { modelKey } from '../types';
import {
  appConfigFor,
  CHAT_CONFIG_FILE,
  CONFIG_SCOPE,
  indexKeys,
  MODEL_SCOPE,
  modelBaseUrl,
  TENSOR_CACHE_FILE,
} from './app-config';
import {
  cachedJson,
  cachedSize,
  isCached,
  knownFiles,
  shardFiles,
  sweepModelUrl,
  tokenizerAndLibrary,
  type Shard,
} from './cache-files';
import { webLlmCatalog } from './catalog';
import { downloadSources } from '../net/download-sources';
import type { FetchGuard } from './fetch-guard';
import { importWebLlmFolder } from './import-files';

function asWebLlm(spec: ModelSpec): WebLlmSpec {
  if (spec.engine !== 'webllm')
    throw new HearthError(`The WebGPU model store cannot handle ${modelKey(spec)}.`);
  return spec;
}

function fileName(url: string): string {
  return decodeURIComponent(url.split('/').pop() ?? url);
}

async function assertRoomFor(bytes: number): Promise<void> {
  const estimate = await navigator.storage?.estimate();
  if (!estimate?.quota) return;
  const free = estimate.quota - (estimate.usage ?? 0);
  if (bytes > free)
    throw new ModelTooLargeError(
      `This model needs about ${formatBytes(bytes)} more storage, but the browser grants Hearth only ${formatBytes(free)} more. Delete other models or free disk space, then retry.`,
    );
}

export class WebLlmStore implements ModelStoreBackend {
  #guard: FetchGuard;

  constructor(guard: FetchGuard) {
    this.#guard = guard;
  }

  catalog(): Promise<CatalogEntry[]> {
    return Promise.resolve(webLlmCatalog());
  }

  download(
    input: ModelSpec,
    onProgress: (progress: DownloadProgress) => void,
    signal?: AbortSignal,
  ): Promise<{ sizeBytes: number }> {
    const spec = asWebLlm(input);
    const key = modelKey(spec);
    const purpose = { modelKey: key, reason: 'download' as const, sources: downloadSources(spec) };
    return this.#guard.withPurpose(purpose, async () => {
      // The index files are small and name everything else.
      for (const index of indexKeys(spec)) await this.#fetchInto(index, signal);
      const base = modelBaseUrl(spec.modelUrl);
      const config = await cachedJson<{ tokenizer_files?: string[] }>(
        CONFIG_SCOPE,
        new URL(CHAT_CONFIG_FILE, base).href,
      );
      const index = await cachedJson<{ records?: Shard[] }>(
        MODEL_SCOPE,
        new URL(TENSOR_CACHE_FILE, base).href,
      );
      const files = [
        ...tokenizerAndLibrary(spec, config?.tokenizer_files ?? []),
        ...shardFiles(spec, index?.records ?? []),
      ];
      const present = await Promise.all(files.map(isCached));
      const todo = files.filter((_, i) => !present[i]);
      await assertRoomFor(todo.reduce((sum, f) => sum + (f.sizeBytes ?? 0), 0));

      // Shard sizes are known up front; the tokenizer's and library's once they arrive.
      let totalBytes = files.reduce((sum, f) => sum + (f.sizeBytes ?? 0), 0);
      let doneBytes = files
        .filter((_, i) => present[i])
        .reduce((sum, f) => sum + (f.sizeBytes ?? 0), 0);
      let filesDone = files.length - todo.length;
      for (const file of todo) {
        const report = (loadedBytes: number) =>
          onProgress({
            key,
            file: fileName(file.url),
            loadedBytes: doneBytes + loadedBytes,
            totalBytes: totalBytes || null,
            filesDone,
            filesTotal: files.length,
          });
        const stop = this.#guard.watchBytes((url, loaded) => {
          if (url === file.url) report(loaded);
        });
        try {
          report(0);
          await this.#fetchInto(file, signal);
        } finally {
          stop();
        }
        const sizeBytes = file.sizeBytes ?? (await cachedSize(file)) ?? 0;
        if (file.sizeBytes === null) totalBytes += sizeBytes;
        doneBytes += sizeBytes;
        filesDone++;
        report(0);
      }
      return { sizeBytes: await this.sizeOnDisk(spec) };
    });
  }

  /** Fetches one file through the guard into its cache, unless it is already there. */
  async #fetchInto(file: { scope: string; url: string }, signal?: AbortSignal): Promise<void> {
    const cache = await caches.open(file.scope);
    if (await cache.match(file.url)) return;
    const response = await this.#guard.fetch(file.url, { signal: signal ?? null });
    await cache.put(file.url, response);
  }

  async isInstalled(input: ModelSpec): Promise<boolean> {
    const spec = asWebLlm(input);
    // hasModelInCache checks the shards only; a load offline also needs config, tokenizer, library.
    if (!(await hasModelInCache(spec.modelId, appConfigFor(spec)))) return false;
    const present = await Promise.all((await knownFiles(spec)).map(isCached));
    return present.every(Boolean);
  }

  async sizeOnDisk(input: ModelSpec): Promise<number> {
    const sizes = await Promise.all((await knownFiles(asWebLlm(input))).map(cachedSize));
    return sizes.reduce<number>((sum, size) => sum + (size ?? 0), 0);
  }

  async remove(input: ModelSpec): Promise<number> {
    const spec = asWebLlm(input);
    const files = await knownFiles(spec);
    const sizes = await Promise.all(files.map(cachedSize));
    const appConfig = appConfigFor(spec);
    const keepLibrary = await this.#libraryShared(spec);
    // web-llm's delete needs the cached tensor-cache.json (it would fetch it otherwise).
    const index = {
      scope: MODEL_SCOPE,
      url: new URL(TENSOR_CACHE_FILE, modelBaseUrl(spec.modelUrl)).href,
      sizeBytes: null,
    };
    if (await isCached(index)) await deleteModelInCache(spec.modelId, appConfig);
    await deleteChatConfigInCache(spec.modelId, appConfig);
    if (!keepLibrary) await deleteModelWasmInCache(spec.modelId, appConfig);
    // web-llm leaves tensor-cache.json (and everything when the index was never fetched).
    await sweepModelUrl(spec);
    return files.reduce(
      (sum, file, i) => sum + (keepLibrary && file.url === spec.modelLibUrl ? 0 : (sizes[i] ?? 0)),
      0,
    );
  }

  /** Several catalog models share one library; keep it while another installed model uses it. */
  async #libraryShared(spec: WebLlmSpec): Promise<boolean> {
    const others = webLlmCatalog()
      .map((e) => e.spec as WebLlmSpec)
      .filter((s) => s.modelLibUrl === spec.modelLibUrl && s.modelUrl !== spec.modelUrl);
    for (const other of others)
      if (await hasModelInCache(other.modelId, appConfigFor(other))) return true;
    return false;
  }

  importFiles(
    files: ModelFile[],
    onProgress: (done: number, total: number) => void,
  ): Promise<Omit<InstalledModel, 'installedAt'>> {
    return importWebLlmFolder(files, onProgress);
  }
}
