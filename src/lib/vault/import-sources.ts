// Turns what the user picked (files with their relative paths, and zip archives) into one flat
// list of candidates, each with a size known before any bytes are read.
import type { ImportSkip } from '../types';
import { checkPathAndSize } from './import-classify';
import { formatMegabytes, formatMegabytesCeil } from '../format-bytes';
import { ZipTooLargeError } from './zip';
import { readZipBlob, type ZipBlobEntry } from './zip-slices';
import { maxZipBytes, maxZipUnpackedBytes } from './import-limits';

export interface ImportSource {
  path: string;
  file: File;
}

export interface Candidate {
  path: string;
  sizeBytes: number;
  /** The type the browser gave the file, when it gave one. */
  type?: string;
  /** The bytes; a damaged zip entry rejects with a ZipEntryError. */
  read(): Promise<Uint8Array>;
  /** The bytes as a Blob to store, sharing the File's data (no copy) when there is one. */
  blob?(mime: string): Blob;
}

export { maxZipBytes, maxZipUnpackedBytes };

export function fileCandidates(sources: readonly ImportSource[]): Candidate[] {
  return sources.map(({ path, file }) => ({
    path,
    sizeBytes: file.size,
    type: file.type,
    read: async () => new Uint8Array(await file.arrayBuffer()),
    blob: (mime: string) => file.slice(0, file.size, mime),
  }));
}

function tooLarge(zip: File, detail: string): { candidates: []; skips: ImportSkip[] } {
  return { candidates: [], skips: [{ path: zip.name, reason: 'too-large', detail }] };
}

/** What the entries that would be unpacked declare, all together. */
function declaredBytes(entries: readonly ZipBlobEntry[]): number {
  let total = 0;
  for (const entry of entries) {
    if (!entry.duplicate && checkPathAndSize(entry.path, entry.sizeBytes).ok)
      total += entry.sizeBytes;
  }
  return total;
}

/**
 * Candidates for every entry of a zip; a zip that cannot be used at all becomes one skip. Nothing
 * is unpacked here, and the zip's bytes are not kept: each candidate reads its own entry back from
 * the file, then unpacks and checks it, when it is read.
 */
export async function zipCandidates(
  zip: File,
): Promise<{ candidates: Candidate[]; skips: ImportSkip[] }> {
  if (zip.size > maxZipBytes) {
    return tooLarge(
      zip,
      `${formatMegabytes(zip.size)}; zips up to ${formatMegabytesCeil(maxZipBytes)} can be imported.`,
    );
  }
  try {
    const entries = await readZipBlob(zip);
    const declared = declaredBytes(entries);
    if (declared > maxZipUnpackedBytes) {
      return tooLarge(
        zip,
        `It unpacks to ${formatMegabytes(declared)}; one zip may unpack to ${formatMegabytesCeil(maxZipUnpackedBytes)}. Import it unzipped, as a folder.`,
      );
    }
    const skips: ImportSkip[] = [];
    const candidates: Candidate[] = [];
    for (const entry of entries) {
      if (entry.duplicate) {
        skips.push({
          path: entry.path,
          reason: 'duplicate-path',
          detail: `Repeated inside ${zip.name}.`,
        });
        continue;
      }
      candidates.push({
        path: entry.path,
        sizeBytes: entry.sizeBytes,
        read: () => entry.read(),
      });
    }
    return { candidates, skips };
  } catch (error) {
    const reason = error instanceof ZipTooLargeError ? 'too-large' : 'unreadable';
    const detail = error instanceof Error ? error.message : String(error);
    return { candidates: [], skips: [{ path: zip.name, reason, detail }] };
  }
}
