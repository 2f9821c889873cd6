// Zip archives in: the table of contents is read first (nothing inflated), so limits on the
// number of entries and on what they declare are enforced before any work; each entry is then
// unpacked on demand, one at a time, and proven whole (sizes and CRC-32, see zip-entry.ts). A zip
// in a Blob (a picked File) is read by slices instead: readZipBlob in zip-slices.ts.
// A damaged entry is refused alone; a damaged table of contents refuses the whole archive.
import { ImportFailedError } from '../errors';
import { readDirectory, ZipFormatError, type ZipDirectoryEntry } from './zip-directory';
import { unpackEntry, ZipEntryError } from './zip-entry';
import { safeRelativePath } from './paths';
import { maxZipEntries } from './import-limits';

export { ZipEntryError };

export { maxZipEntries };

export interface ZipEntry {
  /** The entry name exactly as stored in the archive. */
  path: string;
  /** Declared uncompressed size (an entry that unpacks to another size is refused). */
  sizeBytes: number;
  /** True for a later entry repeating an earlier entry's name. */
  duplicate: boolean;
  /** Unpacks and checks the entry; throws ZipEntryError when it is damaged. */
  read(): Uint8Array;
}

export class ZipTooLargeError extends ImportFailedError {
  override name = 'ZipTooLargeError';
}

export class ZipTooManyEntriesError extends ZipTooLargeError {
  override name = 'ZipTooManyEntriesError';
  constructor(count: number, max: number) {
    super(
      `This zip holds ${count.toLocaleString('en')} entries; Hearth imports zips of up to ` +
        `${max.toLocaleString('en')}. Split it, or import the unzipped folder.`,
    );
  }
}

export class ZipUnreadableError extends ImportFailedError {
  override name = 'ZipUnreadableError';
}

/** The directory, or the error the import reports for a zip it cannot list. */
export function listDirectory(data: Uint8Array, maxEntries: number, base = 0): ZipDirectoryEntry[] {
  try {
    return readDirectory(
      data,
      maxEntries,
      (count) => {
        throw new ZipTooManyEntriesError(count, maxEntries);
      },
      base,
    );
  } catch (error) {
    if (error instanceof ZipTooLargeError) throw error;
    const reason = error instanceof ZipFormatError ? error.message : String(error);
    throw new ZipUnreadableError(`This file is not a zip archive Hearth can read (${reason}).`, {
      cause: error,
    });
  }
}

/** Which entries repeat an earlier entry's name, compared as the import will store them. */
export function duplicates(directory: readonly ZipDirectoryEntry[]): boolean[] {
  const seen = new Set<string>();
  return directory.map((entry) => {
    const key = safeRelativePath(entry.path) ?? entry.path;
    const repeated = seen.has(key);
    seen.add(key);
    return repeated;
  });
}

/** Lists a zip's file entries (folders left out) without unpacking any of them. */
export function readZip(data: Uint8Array, maxEntries = maxZipEntries): ZipEntry[] {
  const directory = listDirectory(data, maxEntries);
  const repeated = duplicates(directory);
  return directory.map((entry, i) => ({
    path: entry.path,
    sizeBytes: entry.sizeBytes,
    duplicate: repeated[i]!,
    read: () => unpackEntry(data, entry),
  }));
}
