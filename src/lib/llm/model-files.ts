// Where each recorded file of an installed model lives in Cache Storage: the cache and the key
// the engine's own loader reads, and the content type a download or an import stores it with.
// A backup reads model files from here, and a restore puts them back at exactly these places, so
// a restored model loads through the normal path (its hashes checked first, load-check.ts) with
// no request. The keys are computed from the model's record, never taken from a backup.
import { HearthError, isQuotaError, ModelTooLargeError } from '../errors';
import { sha256OfBlob } from './file-hash';
import { assertFits, CACHE_NAME, fileKey } from './transformers/cache-files';
import { contentTypeFor } from './transformers/import-validate';
import {
  CHAT_CONFIG_FILE,
  CONFIG_SCOPE,
  MODEL_MANIFEST_FILE,
  MODEL_SCOPE,
  urlOfRecordedPath,
  WASM_SCOPE,
} from './webllm/cache-scopes';
import type { InstalledModel, ModelSpec } from './types';

export interface StoredFileLocation {
  /** The Cache Storage cache the engine reads. */
  cache: string;
  /** The request URL the file is stored under. */
  url: string;
  contentType: string;
}

/** The place of one recorded file (`pin.files[].path`) of a model with `spec`. */
export function storedFileLocation(spec: ModelSpec, path: string): StoredFileLocation {
  if (spec.engine === 'transformers')
    return {
      cache: CACHE_NAME,
      url: fileKey(spec.repo, path, spec.revision ?? 'main'),
      contentType: contentTypeFor(path),
    };
  const url = urlOfRecordedPath(spec, path);
  if (url === spec.modelLibUrl) return { cache: WASM_SCOPE, url, contentType: 'application/wasm' };
  if (path === CHAT_CONFIG_FILE || path === MODEL_MANIFEST_FILE)
    return { cache: CONFIG_SCOPE, url, contentType: 'application/json' };
  return {
    cache: MODEL_SCOPE,
    url,
    contentType: path.endsWith('.json') ? 'application/json' : 'application/octet-stream',
  };
}

/** A model's stored file, or null when the browser no longer holds it. */
export async function readStoredFile(spec: ModelSpec, path: string): Promise<Blob | null> {
  const { cache, url } = storedFileLocation(spec, path);
  const response = await (await caches.open(cache)).match(url);
  // A cached body is disk-backed in Chromium: the Blob is a handle, not a copy in memory.
  return response ? response.blob() : null;
}

/** The files of `model` a backup can carry: those recorded with their SHA-256. */
export function recordedFiles(model: InstalledModel) {
  return model.complete ? (model.pin?.files ?? []) : [];
}

/** A model's files to put back, each already proven to be the one its record names. */
export interface FilesToStore {
  model: InstalledModel;
  files: { path: string; sizeBytes: number; sha256: string; blob: Blob }[];
}

/**
 * Puts restored model files where a download or an import would have put them. All or nothing:
 * a file that fails (a full disk) takes every file this call stored back out. A file stored here
 * already with the same bytes is left as it is; one with other bytes (another model's library at
 * the same URL, say) refuses before anything is written. Resolves to a function that takes the
 * stored files back out, for a restore whose database write fails afterwards.
 */
export async function storeModelFiles(models: FilesToStore[]): Promise<() => Promise<void>> {
  const todo: { location: StoredFileLocation; blob: Blob }[] = [];
  for (const { model, files } of models) {
    for (const file of files) {
      const location = storedFileLocation(model.spec, file.path);
      const here = await (await caches.open(location.cache)).match(location.url);
      if (here) {
        const blob = await here.blob();
        if (blob.size === file.sizeBytes && (await sha256OfBlob(blob)).sha256 === file.sha256)
          continue;
        throw new HearthError(
          `This device stores other bytes at the place of “${file.path}” of ${model.name} ` +
            '(another model uses it). Nothing was restored.',
        );
      }
      todo.push({ location, blob: file.blob });
    }
  }
  await assertFits(
    todo.reduce((sum, t) => sum + t.blob.size, 0),
    'The models in this backup',
  );
  const stored: StoredFileLocation[] = [];
  const undo = async () => {
    for (const { cache, url } of stored) await (await caches.open(cache)).delete(url);
  };
  try {
    for (const { location, blob } of todo) {
      const response = new Response(blob, {
        headers: { 'content-type': location.contentType, 'content-length': String(blob.size) },
      });
      await (await caches.open(location.cache)).put(location.url, response);
      stored.push(location);
    }
  } catch (error) {
    await undo();
    if (isQuotaError(error))
      throw new ModelTooLargeError(
        "The browser refused to store the backup's models: Hearth's storage is full. Nothing " +
          'was restored. Free some space (delete models you do not use), then try again.',
        { cause: error },
      );
    throw error;
  }
  return undo;
}
