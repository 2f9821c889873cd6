// Reads a zip's table of contents: the end record (zip64 included) and the central directory,
// without inflating anything. Each entry keeps what the central directory declares (sizes, CRC,
// where its local header is) so `zip-entry.ts` can check the local header and the data against it.
// Layout: PKWARE APPNOTE.TXT 6.3, sections 4.3.12 to 4.3.16.

export interface ZipDirectoryEntry {
  /** The entry name exactly as stored (decoded as UTF-8, or as CP437 when not flagged UTF-8). */
  path: string;
  flags: number;
  method: number;
  crc: number;
  compressedBytes: number;
  /** Declared uncompressed size. */
  sizeBytes: number;
  localHeaderOffset: number;
  /** The central directory gave its sizes in a zip64 field (so a data descriptor has 8-byte sizes). */
  zip64: boolean;
}

const eocdSignature = 0x06054b50;
const zip64LocatorSignature = 0x07064b50;
const zip64EocdSignature = 0x06064b50;
const centralSignature = 0x02014b50;
const signatureRecord = 0x05054b50;
const u32max = 0xffffffff;

/** The archive's structure is broken: no entry can be trusted. */
export class ZipFormatError extends Error {
  override name = 'ZipFormatError';
}

/** The second half of code page 437, which zip names use unless flagged as UTF-8. */
const cp437High =
  'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0';

function decodeName(bytes: Uint8Array, utf8Flag: boolean): string {
  try {
    // Many tools write UTF-8 names without setting the flag; real CP437 names rarely decode as UTF-8.
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    if (utf8Flag) return new TextDecoder('utf-8').decode(bytes);
    return Array.from(bytes, (b) =>
      b < 0x80 ? String.fromCharCode(b) : cp437High[b - 0x80]!,
    ).join('');
  }
}

function view(data: Uint8Array): DataView {
  return new DataView(data.buffer, data.byteOffset, data.byteLength);
}

function u64(dv: DataView, at: number): number {
  return Number(dv.getBigUint64(at, true));
}

function findEndRecord(data: Uint8Array, dv: DataView): number {
  // The end record is 22 bytes plus a comment of at most 65,535 bytes.
  const last = data.length - 22;
  for (let at = last; at >= 0 && at >= last - 0xffff; at--) {
    if (
      dv.getUint32(at, true) === eocdSignature &&
      at + 22 + dv.getUint16(at + 20, true) <= data.length
    )
      return at;
  }
  throw new ZipFormatError('no end of central directory record');
}

/** Entry count, directory offset and size, from the end record or its zip64 twin. */
function readEnd(
  data: Uint8Array,
  dv: DataView,
  base: number,
): { count: number; offset: number; size: number; zip64: boolean } {
  const eocd = findEndRecord(data, dv);
  const count = dv.getUint16(eocd + 10, true);
  const size = dv.getUint32(eocd + 12, true);
  const offset = dv.getUint32(eocd + 16, true);
  const locator = eocd - 20;
  if (locator >= 0 && dv.getUint32(locator, true) === zip64LocatorSignature) {
    const z = u64(dv, locator + 8) - base;
    if (z < 0 || z + 56 > data.length || dv.getUint32(z, true) !== zip64EocdSignature)
      throw new ZipFormatError('damaged zip64 end record');
    const end = { count: u64(dv, z + 32), size: u64(dv, z + 40), offset: u64(dv, z + 48) };
    if (end.offset + end.size > base + data.length || end.offset < base)
      throw new ZipFormatError('the central directory is cut off');
    return { ...end, zip64: true };
  }
  if (offset + size > base + data.length || offset < base)
    throw new ZipFormatError('the central directory is cut off');
  return { count, offset, size, zip64: false };
}

/**
 * How many entries the central directory holds, walking it to its declared end: every entry must
 * fit inside it and together fill it exactly. The count must match the end record's; a 16-bit
 * count matches modulo 65,536, as writers without zip64 (fflate, older Hearth exports) wrap it.
 */
function countEntries(
  dv: DataView,
  end: { count: number; offset: number; size: number; zip64: boolean },
  base: number,
): number {
  const stop = end.offset + end.size - base;
  let count = 0;
  let at = end.offset - base;
  while (at < stop) {
    // A digital signature record may close the directory (APPNOTE 4.3.13).
    if (at + 6 <= stop && dv.getUint32(at, true) === signatureRecord) {
      at += 6 + dv.getUint16(at + 4, true);
      break;
    }
    if (at + 46 > stop || dv.getUint32(at, true) !== centralSignature)
      throw new ZipFormatError(`central directory entry ${count + 1} is damaged`);
    const nameAndExtras =
      dv.getUint16(at + 28, true) + dv.getUint16(at + 30, true) + dv.getUint16(at + 32, true);
    at += 46 + nameAndExtras;
    count++;
    if (at > stop) throw new ZipFormatError(`central directory entry ${count} is cut off`);
  }
  if (at !== stop) throw new ZipFormatError('the central directory runs past its declared size');
  const declared = end.zip64 ? count : count % 0x10000;
  if (declared !== end.count)
    throw new ZipFormatError(
      `the central directory holds ${count} entries but its end record says ${end.count}`,
    );
  return count;
}

/** Zip64 extended information (extra field 0x0001): only the fields set to 0xFFFFFFFF are in it. */
export function zip64Extra(
  dv: DataView,
  start: number,
  length: number,
  wanted: { size: boolean; compressed: boolean; offset: boolean },
): { size?: number; compressed?: number; offset?: number } | null {
  for (let at = start; at + 4 <= start + length;) {
    const id = dv.getUint16(at, true);
    const len = dv.getUint16(at + 2, true);
    if (id === 0x0001) {
      let p = at + 4;
      const end = at + 4 + len;
      const take = (present: boolean): number | undefined => {
        if (!present || p + 8 > end) return undefined;
        p += 8;
        return u64(dv, p - 8);
      };
      // In this order, as the format lays them out.
      const size = take(wanted.size);
      const compressed = take(wanted.compressed);
      const offset = take(wanted.offset);
      return {
        ...(size === undefined ? {} : { size }),
        ...(compressed === undefined ? {} : { compressed }),
        ...(offset === undefined ? {} : { offset }),
      };
    }
    at += 4 + len;
  }
  return null;
}

/**
 * The central directory's entries, folders left out. Throws ZipFormatError when the structure is
 * broken (a count that disagrees with what the directory holds included), and calls `tooMany`
 * (which must throw) before decoding a directory of more than `maxEntries` entries, so a zip of a
 * million empty entries is refused before any work but a walk over its headers. `data` may be the
 * archive's tail from `base` on (the directory and the end records): offsets stay the archive's.
 */
export function readDirectory(
  data: Uint8Array,
  maxEntries: number,
  tooMany: (count: number) => never,
  base = 0,
): ZipDirectoryEntry[] {
  if (data.length < 22) throw new ZipFormatError('too short to be a zip');
  const dv = view(data);
  const end = readEnd(data, dv, base);
  if (end.count > maxEntries) tooMany(end.count);
  const count = countEntries(dv, end, base);
  if (count > maxEntries) tooMany(count);
  const entries: ZipDirectoryEntry[] = [];
  let at = end.offset - base;
  for (let i = 0; i < count; i++) {
    const nameLength = dv.getUint16(at + 28, true);
    const extraLength = dv.getUint16(at + 30, true);
    const commentLength = dv.getUint16(at + 32, true);
    const next = at + 46 + nameLength + extraLength + commentLength;
    const flags = dv.getUint16(at + 8, true);
    let compressedBytes = dv.getUint32(at + 20, true);
    let sizeBytes = dv.getUint32(at + 24, true);
    let localHeaderOffset = dv.getUint32(at + 42, true);
    const wanted = {
      size: sizeBytes === u32max,
      compressed: compressedBytes === u32max,
      offset: localHeaderOffset === u32max,
    };
    const zip64 = wanted.size || wanted.compressed;
    if (zip64 || wanted.offset) {
      const extra = zip64Extra(dv, at + 46 + nameLength, extraLength, wanted);
      if (!extra)
        throw new ZipFormatError(`central directory entry ${i + 1} lacks its zip64 sizes`);
      sizeBytes = extra.size ?? sizeBytes;
      compressedBytes = extra.compressed ?? compressedBytes;
      localHeaderOffset = extra.offset ?? localHeaderOffset;
    }
    const path = decodeName(data.subarray(at + 46, at + 46 + nameLength), (flags & 0x800) !== 0);
    // A folder; some Windows tools end its name with a backslash.
    if (!path.endsWith('/') && !path.endsWith('\\')) {
      entries.push({
        path,
        flags,
        method: dv.getUint16(at + 10, true),
        crc: dv.getUint32(at + 16, true),
        compressedBytes,
        sizeBytes,
        localHeaderOffset,
        zip64,
      });
    }
    at = next;
  }
  return entries;
}

/**
 * Where the central directory starts, from the archive's tail (its last bytes, from `base`): a
 * reader of a large archive then reads the directory alone, not the archive.
 */
export function directoryStart(tail: Uint8Array, base: number): number {
  if (tail.length < 22) throw new ZipFormatError('too short to be a zip');
  const dv = view(tail);
  const eocd = findEndRecord(tail, dv);
  const locator = eocd - 20;
  if (locator >= 0 && dv.getUint32(locator, true) === zip64LocatorSignature) {
    const z = u64(dv, locator + 8) - base;
    if (z < 0 || z + 56 > tail.length || dv.getUint32(z, true) !== zip64EocdSignature)
      throw new ZipFormatError('damaged zip64 end record');
    return Math.min(u64(dv, z + 48), base + z);
  }
  return Math.min(dv.getUint32(eocd + 16, true), base + eocd);
}
