// The transformers.js model store: downloads, checks and removes a model's files in the cache
// transformers.js itself reads, file by file, so a cancelled or failed download resumes where it
// stopped. Imports are in store-import.ts.
import { ModelRegistry } from '@huggingface/transformers';
import { HearthError, ModelUnsupportedError } from '../../errors';
import {
  modelKey,
  type CatalogEntry,
  type DownloadProgress,
  type InstalledModel,
  type ModelFile,
  type ModelSpec,
  type ModelStoreBackend,
  type TransformersSpec,
} from '../types';
import type { NetworkScope } from './activity';
import {
  assertFits,
  cachedFiles,
  entrySizeBytes,
  fileKey,
  openModelCache,
  putFile,
  readCachedJson,
} from './cache-files';
import { transformersCatalog } from './catalog';
import { embeddingCatalog } from './embedding-catalog';
import { contentTypeFor } from './import-validate';
import { readBody } from './read-body';
import { importModelFolder } from './store-import';

/** A model works without these; a repo that lacks one is still complete. */
const OPTIONAL_FILES = new Set(['generation_config.json']);
const TOKENIZER_FILES = ['tokenizer.json', 'tokenizer_config.json'];

export interface TransformersStoreDeps {
  network: NetworkScope;
  fetchFile: (url: string) => Promise<Response>;
}

function transformersSpec(spec: ModelSpec): TransformersSpec {
  if (spec.engine !== 'transformers')
    throw new ModelUnsupportedError(`The CPU engine's store cannot handle ${modelKey(spec)}.`);
  return spec;
}

/** Every file the model needs (as transformers.js would load it), from its cached config. */
async function specFiles(cache: Cache, spec: TransformersSpec): Promise<string[] | null> {
  const config = await readCachedJson(cache, spec.repo, 'config.json');
  if (!config) return null;
  const modelFiles = await ModelRegistry.get_model_files(spec.repo, {
    config: config as never,
    dtype: spec.dtype as 'fp32',
    device: spec.device,
  });
  return [...new Set([...modelFiles, ...TOKENIZER_FILES])];
}

export class TransformersStore implements ModelStoreBackend {
  #deps: TransformersStoreDeps;

  constructor(deps: TransformersStoreDeps) {
    this.#deps = deps;
  }

  catalog(): Promise<CatalogEntry[]> {
    return Promise.resolve([...transformersCatalog(), ...embeddingCatalog()]);
  }

  download(
    anySpec: ModelSpec,
    onProgress: (progress: DownloadProgress) => void,
    signal?: AbortSignal,
  ): Promise<{ sizeBytes: number }> {
    const spec = transformersSpec(anySpec);
    const key = modelKey(spec);
    const aborted = signal ?? new AbortController().signal;
    const activity = {
      repo: spec.repo,
      modelKey: key,
      reason: 'download' as const,
      signal: aborted,
    };
    return this.#deps.network(activity, async () => {
      const cache = await openModelCache();
      if (!(await cache.match(fileKey(spec.repo, 'config.json'))))
        await this.#fetchInto(cache, spec.repo, 'config.json', () => {}, aborted);
      const files = (await specFiles(cache, spec)) ?? [];
      const sizes = new Map<string, number>();
      const missing: string[] = [];
      for (const file of files) {
        const cached = await cache.match(fileKey(spec.repo, file));
        if (cached) {
          sizes.set(file, await entrySizeBytes(cached));
          continue;
        }
        const meta = await ModelRegistry.get_file_metadata(spec.repo, file);
        if (!meta.exists && OPTIONAL_FILES.has(file)) continue;
        if (!meta.exists) throw new HearthError(`The model file “${file}” is missing on the hub.`);
        sizes.set(file, meta.size ?? 0);
        missing.push(file);
      }
      const missingBytes = missing.reduce((sum, f) => sum + (sizes.get(f) ?? 0), 0);
      await assertFits(missingBytes, `Downloading ${key}`);
      const totalBytes = [...sizes.values()].reduce((a, b) => a + b, 0);
      let doneBytes = totalBytes - missingBytes;
      let filesDone = sizes.size - missing.length;
      const report = (file: string, loadedBytes: number) =>
        onProgress({
          key,
          file,
          loadedBytes,
          totalBytes: totalBytes || null,
          filesDone,
          filesTotal: sizes.size,
        });
      for (const file of missing) {
        aborted.throwIfAborted();
        const stored = await this.#fetchInto(
          cache,
          spec.repo,
          file,
          (bytes) => report(file, doneBytes + bytes),
          aborted,
        );
        doneBytes += stored;
        filesDone++;
        report(file, doneBytes);
      }
      return { sizeBytes: await this.sizeOnDisk(spec) };
    });
  }

  /** Fetches one file whole, then stores it: a file is either fully cached or absent. */
  async #fetchInto(
    cache: Cache,
    repo: string,
    file: string,
    onBytes: (loadedBytes: number) => void,
    signal: AbortSignal,
  ): Promise<number> {
    const response = await this.#deps.fetchFile(fileKey(repo, file));
    const body = await readBody(response, onBytes, signal);
    await putFile(cache, repo, file, body, contentTypeFor(file));
    return body.size;
  }

  async isInstalled(anySpec: ModelSpec): Promise<boolean> {
    const spec = transformersSpec(anySpec);
    const cache = await openModelCache();
    const files = await specFiles(cache, spec);
    if (!files) return false;
    const cached = await cachedFiles(cache, spec.repo);
    return files.every((f) => cached.has(f) || OPTIONAL_FILES.has(f));
  }

  /** This spec's files: everything outside onnx/ plus its own ONNX files. */
  async #ownFiles(cache: Cache, spec: TransformersSpec): Promise<Map<string, Request>> {
    const cached = await cachedFiles(cache, spec.repo);
    const files = await specFiles(cache, spec);
    if (!files) return cached;
    const own = new Set(files);
    return new Map([...cached].filter(([f]) => !f.startsWith('onnx/') || own.has(f)));
  }

  async sizeOnDisk(anySpec: ModelSpec): Promise<number> {
    const spec = transformersSpec(anySpec);
    const cache = await openModelCache();
    let bytes = 0;
    for (const request of (await this.#ownFiles(cache, spec)).values()) {
      const response = await cache.match(request);
      if (response) bytes += await entrySizeBytes(response);
    }
    return bytes;
  }

  /** Deletes this spec's ONNX files, and the shared files once no other dtype of the repo is left. */
  async remove(anySpec: ModelSpec): Promise<number> {
    const spec = transformersSpec(anySpec);
    const cache = await openModelCache();
    const own = await this.#ownFiles(cache, spec);
    const othersLeft = [...(await cachedFiles(cache, spec.repo)).keys()].some(
      (f) => f.startsWith('onnx/') && !own.has(f),
    );
    let freedBytes = 0;
    for (const [file, request] of own) {
      if (othersLeft && !file.startsWith('onnx/')) continue;
      const response = await cache.match(request);
      const bytes = response ? await entrySizeBytes(response) : 0;
      if (await cache.delete(request)) freedBytes += bytes;
    }
    return freedBytes;
  }

  importFiles(
    files: ModelFile[],
    onProgress: (done: number, total: number) => void,
  ): Promise<Omit<InstalledModel, 'installedAt'>> {
    return importModelFolder(files, onProgress);
  }
}
