// Turns what the user picked (files with their relative paths, and zip archives) into one flat
// list of candidates, each with a size known before any bytes are read.
import type { ImportSkip } from '../types';
import { formatMegabytes, maxFileBytes } from './import-classify';
import { readZip, ZipTooLargeError } from './zip';

export interface ImportSource {
  path: string;
  file: File;
}

export interface Candidate {
  path: string;
  sizeBytes: number;
  read(): Promise<Uint8Array>;
}

/** Zips larger than this are refused outright rather than loaded into memory. */
export const maxZipBytes = 1024 * 1024 * 1024;
/** The most text one zip may unpack to (the tldr corpus is 38 MB). */
export const maxZipTextBytes = 1024 * 1024 * 1024;

export function fileCandidates(sources: readonly ImportSource[]): Candidate[] {
  return sources.map(({ path, file }) => ({
    path,
    sizeBytes: file.size,
    read: async () => new Uint8Array(await file.arrayBuffer()),
  }));
}

/** Candidates for every entry of a zip; a zip that cannot be used at all becomes one skip. */
export async function zipCandidates(
  zip: File,
): Promise<{ candidates: Candidate[]; skips: ImportSkip[] }> {
  if (zip.size > maxZipBytes) {
    const detail = `${formatMegabytes(zip.size)}; zips up to 1 GB can be imported.`;
    return { candidates: [], skips: [{ path: zip.name, reason: 'too-large', detail }] };
  }
  try {
    const entries = readZip(new Uint8Array(await zip.arrayBuffer()), {
      maxEntryBytes: maxFileBytes,
      maxTotalBytes: maxZipTextBytes,
    });
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
      const bytes = entry.bytes;
      candidates.push({
        path: entry.path,
        sizeBytes: entry.sizeBytes,
        read: () => (bytes ? Promise.resolve(bytes) : Promise.reject(new Error('not inflated'))),
      });
    }
    return { candidates, skips };
  } catch (error) {
    const reason = error instanceof ZipTooLargeError ? 'too-large' : 'unreadable';
    const detail = error instanceof Error ? error.message : String(error);
    return { candidates: [], skips: [{ path: zip.name, reason, detail }] };
  }
}
