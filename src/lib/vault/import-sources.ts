// Turns what the user picked (files with their relative paths, and zip archives) into one flat
// list of candidates, each with a size known before any bytes are read.
import type { ImportSkip } from '../types';
import { maxFileBytes } from './import-classify';
import { formatMegabytes, formatMegabytesCeil } from '../format-bytes';
import { hasNoteExtension } from './paths';
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

/**
 * Zips larger than this are refused outright rather than loaded into memory: the whole archive is
 * read into the worker, which also holds the notes it unpacks to.
 */
export const maxZipBytes = 512 * 1024 * 1024;
/** The most note text one zip may unpack to (the tldr corpus is 38 MB). */
export const maxZipTextBytes = 256 * 1024 * 1024;

export function fileCandidates(sources: readonly ImportSource[]): Candidate[] {
  return sources.map(({ path, file }) => ({
    path,
    sizeBytes: file.size,
    read: async () => new Uint8Array(await file.arrayBuffer()),
  }));
}

/**
 * Candidates for every entry of a zip; a zip that cannot be used at all becomes one skip. Only
 * entries with a note extension are inflated: the others stay candidates (with their declared
 * size) so the import reports them as unsupported, exactly as it does files in a folder.
 */
export async function zipCandidates(
  zip: File,
): Promise<{ candidates: Candidate[]; skips: ImportSkip[] }> {
  if (zip.size > maxZipBytes) {
    const detail = `${formatMegabytes(zip.size)}; zips up to ${formatMegabytesCeil(maxZipBytes)} can be imported.`;
    return { candidates: [], skips: [{ path: zip.name, reason: 'too-large', detail }] };
  }
  try {
    const entries = readZip(new Uint8Array(await zip.arrayBuffer()), {
      maxEntryBytes: maxFileBytes,
      maxTotalBytes: maxZipTextBytes,
      wanted: hasNoteExtension,
    });
    const skips: ImportSkip[] = [];
    const candidates: Candidate[] = [];
    for (const entry of entries) {
      // A repeated note is reported as such; a repeated non-note is just another unsupported file.
      if (entry.duplicate && hasNoteExtension(entry.path)) {
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
