// A zip read from a Blob (a picked File, a decrypted backup) by slices, never whole: the table of
// contents from the archive's tail, then the entries in archive order, small ones a window of
// several at a time (one read for many notes), a large one in slices as it is checked (CRC-32 and
// SHA-256 computed on the way, inflated step by step). A large stored entry comes back as a slice
// of the Blob itself, so a model file of gigabytes is proven whole without being held. Peak memory
// is one window, whatever the archive's size.
import { Inflate } from 'fflate';
import { crc32 } from './crc32';
import { StreamingSha256 } from './sha256-stream';
import { sha256Bytes } from './hash';
import { directoryStart, ZipFormatError, type ZipDirectoryEntry } from './zip-directory';
import {
  checkDescriptor,
  checkLocalHeader,
  maxDescriptorBytes,
  unpackEntry,
  ZipEntryError,
} from './zip-entry';
import { duplicates, listDirectory, ZipUnreadableError, type ZipEntry } from './zip';
import { maxZipEntries } from './import-limits';

/** Entries whose bytes span at most this are read together, a window at a time. */
export const windowBytes = 8 * 1024 * 1024;
/** A large entry is read in slices of this. */
const sliceBytes = 4 * 1024 * 1024;
/** End record (22) + the longest comment: where the tail is searched for it. */
const tailBytes = 22 + 0xffff + 20 + 56;
/** A directory past this is not one Hearth wrote (400,000 entries of ~150 bytes). */
const maxDirectoryBytes = 128 * 1024 * 1024;

export interface SlicedEntry {
  path: string;
  sizeBytes: number;
  duplicate: boolean;
  directory: ZipDirectoryEntry;
}

/** One entry, proven whole: its bytes (small) or a Blob of them (large), and its SHA-256. */
export interface ReadEntry {
  entry: SlicedEntry;
  bytes: Uint8Array | Blob;
  sha256: string;
}

const read = async (blob: Blob, start: number, end: number) =>
  new Uint8Array(await blob.slice(start, end).arrayBuffer());

export interface SlicedZip {
  entries: SlicedEntry[];
  /** Where the central directory starts: the last entry's span ends there. */
  directoryAt: number;
}

/** Lists the zip from its tail: the end records and the directory are all that is read. */
export async function listZipSlices(zip: Blob, maxEntries: number): Promise<SlicedZip> {
  const tailStart = Math.max(0, zip.size - tailBytes);
  let start: number;
  try {
    start = directoryStart(await read(zip, tailStart, zip.size), tailStart);
  } catch (error) {
    const reason = error instanceof ZipFormatError ? error.message : String(error);
    throw new ZipUnreadableError(`This file is not a zip archive Hearth can read (${reason}).`);
  }
  if (zip.size - start > maxDirectoryBytes)
    throw new ZipUnreadableError('This zip’s table of contents is larger than any Hearth reads.');
  const directory = listDirectory(await read(zip, start, zip.size), maxEntries, start);
  const repeated = duplicates(directory);
  const entries = directory.map((entry, i) => ({
    path: entry.path,
    sizeBytes: entry.sizeBytes,
    duplicate: repeated[i]!,
    directory: entry,
  }));
  return { entries, directoryAt: start };
}

/** Where each entry's bytes may run to: the next entry's header, or the directory. */
function spanEnds(entries: SlicedEntry[], end: number): Map<SlicedEntry, number> {
  const sorted = [...entries].sort(
    (a, b) => a.directory.localHeaderOffset - b.directory.localHeaderOffset,
  );
  const ends = new Map<SlicedEntry, number>();
  sorted.forEach((entry, i) => ends.set(entry, sorted[i + 1]?.directory.localHeaderOffset ?? end));
  return ends;
}

export interface ZipBlobEntry extends Omit<ZipEntry, 'read'> {
  /** Reads the entry's own bytes back from the zip, then unpacks and checks them. */
  read(): Promise<Uint8Array>;
}

/** A local header's most: 30 fixed bytes, then a name and an extra field of up to 64 KB each. */
const maxLocalHeaderBytes = 30 + 2 * 0xffff;

/**
 * Lists a zip held in a Blob (a picked File, a ChatGPT export of gigabytes) from its tail, like
 * listZipSlices; each entry reads back only its own bytes when it is read, so the archive is never
 * held whole, and an import that wants one entry reads that one.
 */
export async function readZipBlob(zip: Blob, maxEntries = maxZipEntries): Promise<ZipBlobEntry[]> {
  const { entries, directoryAt } = await listZipSlices(zip, maxEntries);
  const ends = spanEnds(entries, directoryAt);
  return entries.map((entry) => ({
    path: entry.path,
    sizeBytes: entry.sizeBytes,
    duplicate: entry.duplicate,
    read: async () => {
      const { directory } = entry;
      const start = directory.localHeaderOffset;
      const most = start + maxLocalHeaderBytes + directory.compressedBytes + maxDescriptorBytes;
      const end = Math.max(start, Math.min(ends.get(entry)!, most));
      return unpackEntry(await read(zip, start, end), { ...directory, localHeaderOffset: 0 });
    },
  }));
}

/**
 * Reads every entry in archive order and hands each to `onEntry`, proven whole (sizes, CRC-32);
 * throws ZipEntryError (with the entry's path) at the first damaged one.
 */
export async function readEntriesInOrder(
  zip: Blob,
  { entries, directoryAt }: SlicedZip,
  onEntry: (read: ReadEntry) => void | Promise<void>,
): Promise<void> {
  const ends = spanEnds(entries, directoryAt);
  const order = [...ends.keys()];
  for (let i = 0; i < order.length;) {
    const first = order[i]!;
    const from = first.directory.localHeaderOffset;
    if (ends.get(first)! - from > windowBytes) {
      await onEntry(await readLarge(zip, first, ends.get(first)!));
      i++;
      continue;
    }
    let j = i;
    while (j < order.length && ends.get(order[j]!)! - from <= windowBytes) j++;
    const last = order[j - 1]!;
    const window = await read(zip, from, Math.min(ends.get(last)!, zip.size));
    for (const entry of order.slice(i, j)) {
      const at = entry.directory.localHeaderOffset - from;
      const bytes = named(entry, () =>
        unpackEntry(window, { ...entry.directory, localHeaderOffset: at }),
      );
      await onEntry({ entry, bytes, sha256: await sha256Bytes(bytes) });
    }
    i = j;
  }
}

function named<T>(entry: SlicedEntry, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof ZipEntryError)
      throw new ZipEntryError(`${entry.path}: ${error.message}`, { cause: error });
    throw error;
  }
}

/** One large entry, in slices: a stored one comes back as a slice of `zip`, checked on the way. */
async function readLarge(zip: Blob, entry: SlicedEntry, spanEnd: number): Promise<ReadEntry> {
  const d = entry.directory;
  const at = d.localHeaderOffset;
  const header = await read(zip, at, Math.min(at + 30 + 2 * 0xffff, spanEnd, zip.size));
  const { start, zip64 } = named(entry, () =>
    checkLocalHeader(header, { ...d, localHeaderOffset: 0 }, false),
  );
  const dataStart = at + start;
  const dataEnd = dataStart + d.compressedBytes;
  if (dataEnd > Math.min(spanEnd, zip.size))
    throw new ZipEntryError(`${entry.path}: its data is cut off (the zip is truncated)`);
  if (d.flags & 0x8) {
    const descriptor = await read(zip, dataEnd, Math.min(dataEnd + 24, zip.size));
    named(entry, () => checkDescriptor(descriptor, d, 0, zip64));
  }
  if (d.flags & 0x1) throw new ZipEntryError(`${entry.path}: it is encrypted`);
  if (d.method !== 0 && d.method !== 8)
    throw new ZipEntryError(`${entry.path}: it uses compression method ${d.method}`);
  if (d.method === 0 && d.compressedBytes !== d.sizeBytes)
    throw new ZipEntryError(`${entry.path}: it is stored uncompressed but its two sizes differ`);

  const sha = new StreamingSha256();
  let crc = 0;
  let length = 0;
  const parts: BlobPart[] = [];
  const take = (chunk: Uint8Array) => {
    length += chunk.length;
    if (length > d.sizeBytes)
      throw new ZipEntryError(
        `${entry.path}: it unpacks to more than its declared ${d.sizeBytes} bytes`,
      );
    crc = crc32(chunk, crc);
    sha.update(chunk);
    if (d.method === 8) parts.push(chunk as Uint8Array<ArrayBuffer>);
  };
  const inflater = d.method === 8 ? new Inflate((chunk) => take(chunk)) : null;
  for (let from = dataStart; from < dataEnd || (inflater && from === dataStart);) {
    const to = Math.min(from + sliceBytes, dataEnd);
    const slice = await read(zip, from, to);
    try {
      if (inflater) inflater.push(slice, to === dataEnd);
      else take(slice);
    } catch (error) {
      if (error instanceof ZipEntryError) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      throw new ZipEntryError(`${entry.path}: its compressed data is damaged (${reason})`);
    }
    from = to;
    if (to === dataEnd) break;
  }
  if (length !== d.sizeBytes)
    throw new ZipEntryError(
      `${entry.path}: it unpacks to ${length} bytes, not its declared ${d.sizeBytes}`,
    );
  if (crc !== d.crc)
    throw new ZipEntryError(`${entry.path}: its checksum (CRC-32) does not match its data`);
  // Stored: the archive's own bytes, not a copy. Inflated: the browser keeps a large Blob on disk.
  const bytes = inflater ? new Blob(parts) : zip.slice(dataStart, dataEnd);
  return { entry, bytes, sha256: sha.hex() };
}
