// WebLLM's model store. web-llm has no download-only API, so a download fetches the files itself,
// file by file, into web-llm's own caches under exactly the keys reload() reads (app-config.ts):
// afterwards hasModelInCache() is true and a load touches no network. A cancelled or failed download
// keeps every finished file; a retry skips them (resume per shard). Cache.put of a half-read body
// stores nothing, so no file is ever half there. A download reads one pinned commit
// (`resolve/<commit>/`, see app-config.ts) and hashes each file as it streams into the cache; a
// load is preceded by checkFiles against those hashes.
import { formatBytes } from '../../format-bytes';
import {
  deleteChatConfigInCache,
  deleteModelInCache,
  deleteModelWasmInCache,
  hasModelInCache,
} from '@mlc-ai/web-llm';
import { HearthError, ModelTooLargeError } from '../../errors';
import { hashStoredFiles, verifyStoredFiles } from '../file-check';
import { hashingResponse, sha256OfBlob } from '../file-hash';
import {
  assertServedRevision,
  assertStatedSha256,
  lookUpRevision,
  repoUrlOf,
  revisionApiUrl,
} from '../net/hub-revision';
import type {
  DownloadProgress,
  InstalledModel,
  ModelFile,
  ModelFileHash,
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
  specBaseUrl,
  TENSOR_CACHE_FILE,
} from './app-config';
import {
  cachedJson,
  cachedSize,
  isCached,
  knownFiles,
  readCachedBody,
  recordedPath,
  shardFiles,
  sweepModelUrl,
  tokenizerAndLibrary,
  urlOfRecordedPath,
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

  download(
    input: ModelSpec,
    onProgress: (progress: DownloadProgress) => void,
    signal?: AbortSignal,
  ): Promise<{ sizeBytes: number; files: ModelFileHash[] }> {
    const spec = asWebLlm(input);
    const key = modelKey(spec);
    if (!spec.revision)
      throw new HearthError(`${key} has no pinned revision: Hearth downloads pinned models only.`);
    const hashes = new Map<string, ModelFileHash>();
    const fetchInto = async (file: { scope: string; url: string }) => {
      const hash = await this.#fetchInto(spec, file, signal);
      if (hash) hashes.set(hash.path, hash);
    };
    const purpose = { modelKey: key, reason: 'download' as const, sources: downloadSources(spec) };
    return this.#guard.withPurpose(purpose, async () => {
      // The index files are small and name everything else.
      for (const index of indexKeys(spec)) await fetchInto(index);
      const base = specBaseUrl(spec);
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
          await fetchInto(file);
        } finally {
          stop();
        }
        const sizeBytes = file.sizeBytes ?? (await cachedSize(file)) ?? 0;
        if (file.sizeBytes === null) totalBytes += sizeBytes;
        doneBytes += sizeBytes;
        filesDone++;
        report(0);
      }
      // Files kept from an interrupted attempt (or a library another model brought) were not
      // hashed as they arrived: read them back.
      const all = [...indexKeys(spec), ...files];
      for (const file of all) {
        const path = recordedPath(spec, file.url);
        if (hashes.has(path)) continue;
        const blob = await readCachedBody(file.url);
        if (blob) hashes.set(path, { path, ...(await sha256OfBlob(blob)) });
      }
      return {
        sizeBytes: await this.sizeOnDisk(spec),
        files: all.flatMap((file) => hashes.get(recordedPath(spec, file.url)) ?? []),
      };
    });
  }

  /**
   * Fetches one file through the guard into its cache, hashing it as it streams in, unless it is
   * already there (then null). A file whose bytes or commit are not the pinned ones is not kept.
   */
  async #fetchInto(
    spec: WebLlmSpec,
    file: { scope: string; url: string },
    signal?: AbortSignal,
  ): Promise<ModelFileHash | null> {
    const cache = await caches.open(file.scope);
    if (await cache.match(file.url)) return null;
    const path = recordedPath(spec, file.url);
    const fetched = await this.#guard.fetch(file.url, { signal: signal ?? null });
    if (spec.revision && path !== file.url)
      assertServedRevision(fetched.headers, spec.revision, path);
    const { response, done } = hashingResponse(fetched);
    await cache.put(file.url, response);
    const { sha256, sizeBytes } = await done;
    try {
      assertStatedSha256(fetched.headers, sha256, path);
    } catch (error) {
      await cache.delete(file.url);
      throw error;
    }
    return { path, sizeBytes, sha256 };
  }

  resolveRevision(input: ModelSpec, ref: string): Promise<string> {
    const spec = asWebLlm(input);
    // Asking which commit to pin to is a download's first request (or an update check's only one).
    const repoUrl = repoUrlOf(spec);
    const purpose = {
      modelKey: modelKey(spec),
      reason: 'download' as const,
      sources: [revisionApiUrl(repoUrl, '')],
    };
    return this.#guard.withPurpose(purpose, () => lookUpRevision(this.#guard.fetch, repoUrl, ref));
  }

  async checkFiles(input: ModelSpec, expected: ModelFileHash[] | null): Promise<ModelFileHash[]> {
    const spec = asWebLlm(input);
    const read = (path: string) => readCachedBody(urlOfRecordedPath(spec, path));
    if (expected) return verifyStoredFiles(expected, read);
    const paths = (await knownFiles(spec)).map((file) => recordedPath(spec, file.url));
    return [...(await hashStoredFiles(paths, read)).values()];
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
      url: new URL(TENSOR_CACHE_FILE, specBaseUrl(spec)).href,
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

  /**
   * Several catalog models (and revisions of one) share one library; keep it while another model
   * whose weights are cached uses it. Cached tensor-cache.json files say which weights are here.
   */
  async #libraryShared(spec: WebLlmSpec): Promise<boolean> {
    const own = specBaseUrl(spec);
    const users = webLlmCatalog()
      .map((e) => e.spec as WebLlmSpec)
      .filter((s) => s.modelLibUrl === spec.modelLibUrl)
      .map((s) => `${s.modelUrl.replace(/\/+$/, '')}/resolve/`);
    const cached = await (await caches.open(MODEL_SCOPE)).keys();
    return cached.some(
      (request) =>
        request.url.endsWith(`/${TENSOR_CACHE_FILE}`) &&
        !request.url.startsWith(own) &&
        users.some((prefix) => request.url.startsWith(prefix)),
    );
  }

  importFiles(
    files: ModelFile[],
    onProgress: (done: number, total: number) => void,
  ): Promise<Omit<InstalledModel, 'installedAt'>> {
    return importWebLlmFolder(files, onProgress);
  }
}
