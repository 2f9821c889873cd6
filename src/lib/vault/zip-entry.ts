// Unpacks one zip entry and proves it whole before anyone uses it: the local header agrees with
// the central directory, the data lies inside the archive, it inflates to exactly the declared
// length (never further: a lying header cannot make it grow), and its CRC-32 matches. Anything
// else throws a ZipEntryError saying what was wrong, and none of the entry's bytes are returned.
import { Inflate } from 'fflate';
import { crc32 } from './crc32';
import { zip64Extra, type ZipDirectoryEntry } from './zip-directory';

const localSignature = 0x04034b50;
const descriptorSignature = 0x08074b50;
/** Compressed bytes inflated per step: bounds how far past its declared size an entry can run. */
const inflateStepBytes = 16 * 1024;

/** One entry is damaged or cannot be unpacked; the rest of the archive may be fine. */
export class ZipEntryError extends Error {
  override name = 'ZipEntryError';
}

/** Whether an extra field block holds a zip64 field (id 1). */
function hasZip64Field(dv: DataView, start: number, length: number): boolean {
  for (let at = start; at + 4 <= start + length; at += 4 + dv.getUint16(at + 2, true)) {
    if (dv.getUint16(at, true) === 0x0001) return true;
  }
  return false;
}

/**
 * Where the entry's data starts, after checking its local header against the directory, and
 * whether that header has a zip64 field (then a data descriptor holds 8-byte sizes).
 */
export function checkLocalHeader(
  data: Uint8Array,
  entry: ZipDirectoryEntry,
  /** False when `data` holds the header only (the data is read in slices after it). */
  withData = true,
): { start: number; zip64: boolean } {
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const at = entry.localHeaderOffset;
  if (at + 30 > data.length || dv.getUint32(at, true) !== localSignature)
    throw new ZipEntryError('its local header is missing or damaged');
  const nameLength = dv.getUint16(at + 26, true);
  const extraLength = dv.getUint16(at + 28, true);
  const start = at + 30 + nameLength + extraLength;
  if (dv.getUint16(at + 8, true) !== entry.method)
    throw new ZipEntryError('its two headers disagree on the compression method');
  // With a data descriptor (flag bit 3) the local header leaves CRC and sizes blank.
  if ((entry.flags & 0x8) === 0) {
    let compressed = dv.getUint32(at + 18, true);
    let size = dv.getUint32(at + 22, true);
    if (compressed === 0xffffffff || size === 0xffffffff) {
      const extra = zip64Extra(dv, at + 30 + nameLength, extraLength, {
        size: size === 0xffffffff,
        compressed: compressed === 0xffffffff,
        offset: false,
      });
      size = extra?.size ?? size;
      compressed = extra?.compressed ?? compressed;
    }
    if (size !== entry.sizeBytes || compressed !== entry.compressedBytes)
      throw new ZipEntryError(
        `its two headers disagree on its size (${size} and ${entry.sizeBytes} bytes)`,
      );
    if (dv.getUint32(at + 14, true) !== entry.crc)
      throw new ZipEntryError('its two headers disagree on its checksum');
  }
  if (start > data.length || (withData && start + entry.compressedBytes > data.length))
    throw new ZipEntryError('its data is cut off (the zip is truncated)');
  return { start, zip64: hasZip64Field(dv, at + 30 + nameLength, extraLength) };
}

/**
 * A data descriptor after the data, when there is one, must agree with the directory too. Its
 * sizes are 8 bytes wide when the local header has a zip64 field (APPNOTE 4.3.9.2), or when the
 * directory needed zip64 for them.
 */
export function checkDescriptor(
  data: Uint8Array,
  entry: ZipDirectoryEntry,
  end: number,
  localZip64: boolean,
): void {
  if ((entry.flags & 0x8) === 0) return;
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let at = end;
  if (at + 4 <= data.length && dv.getUint32(at, true) === descriptorSignature) at += 4;
  const sizeWidth = entry.zip64 || localZip64 ? 8 : 4;
  if (at + 4 + 2 * sizeWidth > data.length)
    throw new ZipEntryError('its data descriptor is cut off');
  const read = (p: number) =>
    sizeWidth === 8 ? Number(dv.getBigUint64(p, true)) : dv.getUint32(p, true);
  const crc = dv.getUint32(at, true);
  const compressed = read(at + 4);
  const size = read(at + 4 + sizeWidth);
  if (crc !== entry.crc || compressed !== entry.compressedBytes || size !== entry.sizeBytes)
    throw new ZipEntryError('its data descriptor disagrees with the central directory');
}

/** Inflates into exactly `expected` bytes, stopping as soon as the data runs longer. */
function inflateExactly(compressed: Uint8Array, expected: number): Uint8Array {
  const out = new Uint8Array(expected);
  let length = 0;
  let longer = false;
  const inflater = new Inflate((chunk) => {
    if (longer || length + chunk.length > expected) longer = true;
    else {
      out.set(chunk, length);
      length += chunk.length;
    }
  });
  try {
    if (compressed.length === 0) inflater.push(compressed, true);
    for (let at = 0; at < compressed.length && !longer; at += inflateStepBytes) {
      const end = Math.min(at + inflateStepBytes, compressed.length);
      inflater.push(compressed.subarray(at, end), end === compressed.length);
    }
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ZipEntryError(`its compressed data is damaged (${reason})`);
  }
  if (longer) throw new ZipEntryError(`it unpacks to more than its declared ${expected} bytes`);
  if (length !== expected)
    throw new ZipEntryError(`it unpacks to ${length} bytes, not its declared ${expected}`);
  return out;
}

/** The entry's bytes, proven whole; throws ZipEntryError otherwise. */
export function unpackEntry(data: Uint8Array, entry: ZipDirectoryEntry): Uint8Array {
  if (entry.flags & 0x1) throw new ZipEntryError('it is encrypted');
  if (entry.method !== 0 && entry.method !== 8)
    throw new ZipEntryError(`it uses compression method ${entry.method}, which Hearth cannot read`);
  const { start, zip64 } = checkLocalHeader(data, entry);
  const end = start + entry.compressedBytes;
  checkDescriptor(data, entry, end, zip64);
  const raw = data.subarray(start, end);
  let bytes: Uint8Array;
  if (entry.method === 0) {
    if (entry.compressedBytes !== entry.sizeBytes)
      throw new ZipEntryError('it is stored uncompressed but its two sizes differ');
    bytes = raw.slice();
  } else bytes = inflateExactly(raw, entry.sizeBytes);
  if (crc32(bytes) !== entry.crc)
    throw new ZipEntryError('its checksum (CRC-32) does not match its data');
  return bytes;
}

/** The longest data descriptor: signature, CRC and two 8-byte sizes. */
export const maxDescriptorBytes = 24;

/**
 * Where the bytes `unpackEntry` needs for this entry end in the archive: its local header, its
 * data and room for a data descriptor, clamped to the archive. When the header cannot be read or
 * the data runs past the archive, only the header is needed to refuse it.
 */
export function entryEnd(data: Uint8Array, entry: ZipDirectoryEntry): number {
  const at = entry.localHeaderOffset;
  if (at + 30 > data.length) return Math.min(at + 30, data.length);
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const start = at + 30 + dv.getUint16(at + 26, true) + dv.getUint16(at + 28, true);
  if (start + entry.compressedBytes > data.length) return Math.min(start, data.length);
  return Math.min(start + entry.compressedBytes + maxDescriptorBytes, data.length);
}
