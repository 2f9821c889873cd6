// Model files in Cache Storage, keyed exactly as transformers.js keys them (hub.js
// buildResourcePaths: `<remoteHost><repo>/resolve/<revision>/<file>`), so a file stored here is
// found by a later load without any request, and a file transformers.js stored counts as installed
// here. A pinned model's files sit under its commit; imports and models installed before pinning
// under `main`.
import { formatMegabytesCeil } from '../../format-bytes';
import { ModelTooLargeError, isQuotaError } from '../../errors';
import { HUB_ORIGIN } from '../net/hosts';

export const CACHE_NAME = 'transformers-cache';

export function repoPrefix(repo: string, revision = 'main'): string {
  return `${HUB_ORIGIN}/${repo}/resolve/${encodeURIComponent(revision)}/`;
}

export function fileKey(repo: string, file: string, revision = 'main'): string {
  return repoPrefix(repo, revision) + file;
}

export function openModelCache(): Promise<Cache> {
  return caches.open(CACHE_NAME);
}

/** Files of `repo` in the cache (paths relative to the repo root), by key. */
export async function cachedFiles(
  cache: Cache,
  repo: string,
  revision = 'main',
): Promise<Map<string, Request>> {
  const prefix = repoPrefix(repo, revision);
  const files = new Map<string, Request>();
  for (const request of await cache.keys()) {
    if (request.url.startsWith(prefix))
      files.set(decodeURI(request.url.slice(prefix.length)), request);
  }
  return files;
}

/** A cached body's size: Content-Length when stored, else the body's length (a disk-backed blob). */
export async function entrySizeBytes(response: Response): Promise<number> {
  const length = Number(response.headers.get('content-length'));
  if (Number.isFinite(length) && length > 0) return length;
  return (await response.blob()).size;
}

export async function readCachedJson(
  cache: Cache,
  repo: string,
  file: string,
  revision = 'main',
): Promise<Record<string, unknown> | null> {
  const response = await cache.match(fileKey(repo, file, revision));
  return response ? ((await response.json()) as Record<string, unknown>) : null;
}

/** Stores a body with the headers transformers.js reads back (type, length). */
export async function putFile(
  cache: Cache,
  repo: string,
  file: string,
  body: Blob,
  contentType: string,
  revision = 'main',
): Promise<void> {
  const response = new Response(body, {
    headers: { 'content-type': contentType, 'content-length': String(body.size) },
  });
  try {
    await cache.put(fileKey(repo, file, revision), response);
  } catch (error) {
    if (isQuotaError(error))
      throw new ModelTooLargeError(
        `The browser refused to store “${file}”: Hearth's storage is full. Remove a model or free space, then retry — files already stored are kept.`,
        { cause: error },
      );
    throw error;
  }
}

/** Throws when `neededBytes` more will not fit in what the browser grants this origin. */
export async function assertFits(neededBytes: number, what: string): Promise<void> {
  if (neededBytes <= 0 || !navigator.storage?.estimate) return;
  const { usage = 0, quota } = await navigator.storage.estimate();
  if (quota === undefined) return;
  const freeBytes = quota - usage;
  if (neededBytes > freeBytes) {
    throw new ModelTooLargeError(
      `${what} needs ${formatMegabytesCeil(neededBytes)} more, but this browser grants Hearth only ${formatMegabytesCeil(Math.max(freeBytes, 0))} more. Remove a model or free disk space, then try again.`,
    );
  }
}

/**
 * True while every file recorded at install is still in the cache (keys only, nothing is read or
 * fetched). A browser clearing Cache Storage under storage pressure leaves the model's record in
 * IndexedDB with some or all of its files gone. A record from before Hearth pinned files has no
 * list: its config.json stands for the rest (the load's own check finds any other gap).
 */
export async function recordedFilesPresent(
  repo: string,
  revision: string | undefined,
  paths: string[] | undefined,
): Promise<boolean> {
  const cached = await cachedFiles(await openModelCache(), repo, revision ?? 'main');
  const expected = paths?.length ? paths : ['config.json'];
  return expected.every((path) => cached.has(path));
}
