// The transformers.js model store: downloads, checks and removes a model's files in the cache
// transformers.js itself reads, file by file, so a cancelled or failed download resumes where it
// stopped. A download reads one pinned commit (`resolve/<commit>/`) and hashes each file as its
// bytes arrive; a load is preceded by checkFiles against those hashes. Imports are in
// store-import.ts.
import { ModelRegistry } from '@huggingface/transformers';
import { HearthError, ModelUnsupportedError } from '../../errors';
import { hashStoredFiles, verifyStoredFiles } from '../file-check';
import { hashingResponse, sha256OfBlob } from '../file-hash';
import {
  assertServedRevision,
  assertStatedSha256,
  lookUpRevision,
  repoUrlOf,
} from '../net/hub-revision';
import {
  modelKey,
  type DownloadProgress,
  type InstalledModel,
  type ModelFile,
  type ModelFileHash,
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

/** The revision a spec's files are stored under: its commit, or `main` when it has none. */
function revisionOf(spec: TransformersSpec): string {
  return spec.revision ?? 'main';
}

/** Every file the model needs (as transformers.js would load it), from its cached config. */
async function specFiles(cache: Cache, spec: TransformersSpec): Promise<string[] | null> {
  const config = await readCachedJson(cache, spec.repo, 'config.json', revisionOf(spec));
  if (!config) return null;
  const modelFiles = await ModelRegistry.get_model_files(spec.repo, {
    config: config as never,
    dtype: spec.dtype as 'fp32',
    device: spec.device,
  });
  return [...new Set([...modelFiles, ...TOKENIZER_FILES])];
}

/** This spec's files: everything outside onnx/ plus its own ONNX files. */
async function ownFiles(cache: Cache, spec: TransformersSpec): Promise<Map<string, Request>> {
  const cached = await cachedFiles(cache, spec.repo, revisionOf(spec));
  const files = await specFiles(cache, spec);
  if (!files) return cached;
  const own = new Set(files);
  return new Map([...cached].filter(([f]) => !f.startsWith('onnx/') || own.has(f)));
}

/**
 * Hashes the model's cached files (all of them, or those `expected` names, which must match);
 * used before a load, by the chat worker's store and the memory worker alike.
 */
export async function checkTransformersFiles(
  spec: TransformersSpec,
  expected: ModelFileHash[] | null,
): Promise<ModelFileHash[]> {
  const cache = await openModelCache();
  const read = async (path: string) =>
    (await (await cache.match(fileKey(spec.repo, path, revisionOf(spec))))?.blob()) ?? null;
  if (expected) return verifyStoredFiles(expected, read);
  const paths = [...(await ownFiles(cache, spec)).keys()];
  return [...(await hashStoredFiles(paths, read)).values()];
}

export class TransformersStore implements ModelStoreBackend {
  #deps: TransformersStoreDeps;

  constructor(deps: TransformersStoreDeps) {
    this.#deps = deps;
  }

  download(
    anySpec: ModelSpec,
    onProgress: (progress: DownloadProgress) => void,
    signal?: AbortSignal,
  ): Promise<{ sizeBytes: number; files: ModelFileHash[] }> {
    const spec = transformersSpec(anySpec);
    const key = modelKey(spec);
    const revision = spec.revision;
    if (!revision)
      throw new HearthError(`${key} has no pinned revision: Hearth downloads pinned models only.`);
    const aborted = signal ?? new AbortController().signal;
    const activity = {
      repo: spec.repo,
      modelKey: key,
      reason: 'download' as const,
      signal: aborted,
    };
    return this.#deps.network(activity, async () => {
      const cache = await openModelCache();
      const hashes = new Map<string, ModelFileHash>();
      const fetchInto = async (file: string, onBytes: (loadedBytes: number) => void) => {
        const stored = await this.#fetchInto(cache, spec.repo, revision, file, onBytes, aborted);
        hashes.set(file, stored);
        return stored.sizeBytes;
      };
      if (!(await cache.match(fileKey(spec.repo, 'config.json', revision))))
        await fetchInto('config.json', () => {});
      const files = (await specFiles(cache, spec)) ?? [];
      const sizes = new Map<string, number>();
      const missing: string[] = [];
      for (const file of files) {
        const cached = await cache.match(fileKey(spec.repo, file, revision));
        if (cached) {
          sizes.set(file, await entrySizeBytes(cached));
          continue;
        }
        const meta = await ModelRegistry.get_file_metadata(spec.repo, file, { revision });
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
        doneBytes += await fetchInto(file, (bytes) => report(file, doneBytes + bytes));
        filesDone++;
        report(file, doneBytes);
      }
      // Files kept from an interrupted attempt were not hashed as they arrived: read them back.
      for (const file of sizes.keys()) {
        if (hashes.has(file)) continue;
        const blob = await (await cache.match(fileKey(spec.repo, file, revision)))?.blob();
        if (blob) hashes.set(file, { path: file, ...(await sha256OfBlob(blob)) });
      }
      return {
        sizeBytes: await this.sizeOnDisk(spec),
        files: [...sizes.keys()].flatMap((file) => hashes.get(file) ?? []),
      };
    });
  }

  /**
   * Fetches one file whole from the pinned commit, hashing it as it arrives, then stores it: a
   * file is either fully cached or absent, and never stored when its bytes or commit are wrong.
   */
  async #fetchInto(
    cache: Cache,
    repo: string,
    revision: string,
    file: string,
    onBytes: (loadedBytes: number) => void,
    signal: AbortSignal,
  ): Promise<ModelFileHash> {
    const fetched = await this.#deps.fetchFile(fileKey(repo, file, revision));
    assertServedRevision(fetched.headers, revision, file);
    const { response, done } = hashingResponse(fetched);
    const body = await readBody(response, onBytes, signal);
    const { sha256, sizeBytes } = await done;
    assertStatedSha256(fetched.headers, sha256, file);
    await putFile(cache, repo, file, body, contentTypeFor(file), revision);
    return { path: file, sizeBytes, sha256 };
  }

  resolveRevision(anySpec: ModelSpec, ref: string): Promise<string> {
    const spec = transformersSpec(anySpec);
    const activity = {
      repo: spec.repo,
      modelKey: modelKey(spec),
      reason: 'revision' as const,
      signal: new AbortController().signal,
    };
    return this.#deps.network(activity, () =>
      lookUpRevision(this.#deps.fetchFile, repoUrlOf(spec), ref),
    );
  }

  checkFiles(anySpec: ModelSpec, expected: ModelFileHash[] | null): Promise<ModelFileHash[]> {
    return checkTransformersFiles(transformersSpec(anySpec), expected);
  }

  async isInstalled(anySpec: ModelSpec): Promise<boolean> {
    const spec = transformersSpec(anySpec);
    const cache = await openModelCache();
    const files = await specFiles(cache, spec);
    if (!files) return false;
    const cached = await cachedFiles(cache, spec.repo, revisionOf(spec));
    return files.every((f) => cached.has(f) || OPTIONAL_FILES.has(f));
  }

  async sizeOnDisk(anySpec: ModelSpec): Promise<number> {
    const spec = transformersSpec(anySpec);
    const cache = await openModelCache();
    let bytes = 0;
    for (const request of (await ownFiles(cache, spec)).values()) {
      const response = await cache.match(request);
      if (response) bytes += await entrySizeBytes(response);
    }
    return bytes;
  }

  /** Deletes this spec's ONNX files, and the shared files once no other dtype of the repo is left. */
  async remove(anySpec: ModelSpec): Promise<number> {
    const spec = transformersSpec(anySpec);
    const cache = await openModelCache();
    const own = await ownFiles(cache, spec);
    const othersLeft = [...(await cachedFiles(cache, spec.repo, revisionOf(spec))).keys()].some(
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
