// Zip archives in and out, through fflate. Reading guards against zip bombs: an entry whose
// declared size exceeds the limit is never inflated, and fflate inflates each entry into a buffer
// of exactly its declared size, so a header that lies cannot make it grow past the limit either.
// Entries the caller has no use for (e.g. images in a notes zip) are listed but never inflated.
import { unzipSync, zipSync, type Zippable } from 'fflate';
import { ImportFailedError } from '../errors';
import { formatMegabytesCeil } from '../format-bytes';

export interface ZipEntry {
  /** The entry name exactly as stored in the archive. */
  path: string;
  /** Declared uncompressed size. */
  sizeBytes: number;
  /** The entry's bytes; null when it was too large or not wanted, so never inflated. */
  bytes: Uint8Array | null;
  /** True for a later entry repeating an earlier entry's name (it is not inflated). */
  duplicate: boolean;
}

export interface ZipLimits {
  maxEntryBytes: number;
  /** The most the inflated entries may add up to; entries not inflated do not count. */
  maxTotalBytes: number;
  /** Entries this rejects are listed (bytes null) but never inflated; by default all are wanted. */
  wanted?: (path: string) => boolean;
}

export class ZipTooLargeError extends ImportFailedError {
  override name = 'ZipTooLargeError';
}

export class ZipUnreadableError extends ImportFailedError {
  override name = 'ZipUnreadableError';
}

export function readZip(data: Uint8Array, limits: ZipLimits): ZipEntry[] {
  const entries: ZipEntry[] = [];
  const seen = new Set<string>();
  let totalBytes = 0;
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(data, {
      filter: ({ name, originalSize }) => {
        if (name.endsWith('/')) return false; // a folder entry
        const duplicate = seen.has(name);
        seen.add(name);
        const inflate =
          !duplicate && originalSize <= limits.maxEntryBytes && (limits.wanted?.(name) ?? true);
        entries.push({ path: name, sizeBytes: originalSize, bytes: null, duplicate });
        if (inflate) totalBytes += originalSize;
        if (totalBytes > limits.maxTotalBytes) {
          throw new ZipTooLargeError(
            `This zip unpacks to more than ${formatMegabytesCeil(limits.maxTotalBytes)} of note text.`,
          );
        }
        return inflate;
      },
    });
  } catch (error) {
    if (error instanceof ZipTooLargeError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new ZipUnreadableError(`This file is not a zip archive Hearth can read (${reason}).`, {
      cause: error,
    });
  }
  for (const entry of entries) if (!entry.duplicate) entry.bytes = files[entry.path] ?? null;
  return entries;
}

export interface ZipSource {
  path: string;
  content: string;
  /** Modification time written into the archive (ms since epoch). */
  modifiedAt?: number;
}

/** Zips each text as UTF-8 at its path. */
export function writeZip(sources: readonly ZipSource[]): Uint8Array {
  const encoder = new TextEncoder();
  const tree: Zippable = {};
  for (const source of sources) {
    const mtime = source.modifiedAt === undefined ? undefined : clampZipTime(source.modifiedAt);
    tree[source.path] = [encoder.encode(source.content), mtime === undefined ? {} : { mtime }];
  }
  return zipSync(tree, { level: 6 });
}

/** Zip timestamps (DOS time) cover 1980 to 2107. */
function clampZipTime(ms: number): Date {
  const min = Date.UTC(1980, 0, 2);
  const max = Date.UTC(2099, 11, 31);
  return new Date(Math.min(Math.max(ms, min), max));
}
