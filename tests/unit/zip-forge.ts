// Writes zip archives byte by byte, so tests can forge exactly the lie they need: a wrong CRC, a
// size that disagrees between headers, truncated data, a data descriptor, zip64 records. Honest
// by default (the values fflate or any zip tool would write).
import { deflateSync } from 'fflate';
import { crc32 } from '../../src/lib/vault/crc32';

export interface ForgeEntry {
  name: string;
  data: Uint8Array;
  /** 0 stored, 8 deflated (default), anything else to test refusal. */
  method?: number;
  flags?: number;
  /** Overrides for what each header declares (default: the truth). */
  crc?: number;
  localCrc?: number;
  size?: number;
  localSize?: number;
  compressedSize?: number;
  localCompressedSize?: number;
  /** Cut this many bytes off the end of the compressed data (the headers declare what is left). */
  dropDataBytes?: number;
  /** Write a data descriptor (flag bit 3): the local header leaves CRC and sizes at 0. */
  descriptor?: { crc?: number; size?: number; compressedSize?: number };
  /** Store sizes and offset in a zip64 extra field in the central directory. */
  zip64?: boolean;
  /**
   * Give the local header a zip64 extra field (its sizes set to 0xFFFFFFFF), and a data descriptor
   * 8-byte sizes, as Python's zipfile writes with force_zip64 to a pipe; the central directory
   * keeps 4-byte sizes.
   */
  localZip64?: boolean;
}

export interface ForgeOptions {
  /** The entry count the end record declares (default: the truth). */
  declaredCount?: number;
  /** Write zip64 end records too. */
  zip64End?: boolean;
}

const utf8 = new TextEncoder();

class Bytes {
  parts: number[] = [];
  u8(...values: number[]) {
    this.parts.push(...values);
  }
  u16(v: number) {
    this.u8(v & 0xff, (v >>> 8) & 0xff);
  }
  u32(v: number) {
    for (let i = 0; i < 4; i++) this.u8((v >>> (8 * i)) & 0xff);
  }
  u64(v: number) {
    this.u32(v % 2 ** 32);
    this.u32(Math.floor(v / 2 ** 32));
  }
  bytes(b: Uint8Array) {
    for (const x of b) this.parts.push(x);
  }
  get length() {
    return this.parts.length;
  }
}

export function forgeZip(
  entries: readonly ForgeEntry[],
  options: ForgeOptions = {},
): Uint8Array<ArrayBuffer> {
  const out = new Bytes();
  const central = new Bytes();
  for (const e of entries) {
    const method = e.method ?? 8;
    const packed = method === 8 ? deflateSync(e.data) : e.data;
    const data = packed.subarray(0, packed.length - (e.dropDataBytes ?? 0));
    const crc = crc32(e.data);
    const name = utf8.encode(e.name);
    const flags = (e.flags ?? 0) | 0x800 | (e.descriptor ? 0x8 : 0);
    const offset = out.length;
    out.u32(0x04034b50);
    out.u16(e.localZip64 ? 45 : 20);
    out.u16(flags);
    out.u16(method);
    out.u32(0); // time and date
    const blank = e.descriptor !== undefined;
    out.u32(blank ? 0 : (e.localCrc ?? e.crc ?? crc));
    const localCompressed = e.localCompressedSize ?? e.compressedSize ?? data.length;
    const localSize = e.localSize ?? e.size ?? e.data.length;
    if (e.localZip64) {
      out.u32(0xffffffff);
      out.u32(0xffffffff);
    } else {
      out.u32(blank ? 0 : localCompressed);
      out.u32(blank ? 0 : localSize);
    }
    out.u16(name.length);
    out.u16(e.localZip64 ? 20 : 0);
    out.bytes(name);
    if (e.localZip64) {
      out.u16(0x0001);
      out.u16(16);
      out.u64(blank ? 0 : localSize);
      out.u64(blank ? 0 : localCompressed);
    }
    out.bytes(data);
    if (e.descriptor) {
      out.u32(0x08074b50);
      out.u32(e.descriptor.crc ?? crc);
      const width = e.localZip64 ? 'u64' : 'u32';
      out[width](e.descriptor.compressedSize ?? data.length);
      out[width](e.descriptor.size ?? e.data.length);
    }
    const extra = new Bytes();
    if (e.zip64) {
      extra.u16(0x0001);
      extra.u16(24);
      extra.u64(e.size ?? e.data.length);
      extra.u64(e.compressedSize ?? data.length);
      extra.u64(offset);
    }
    central.u32(0x02014b50);
    central.u16(20);
    central.u16(e.zip64 ? 45 : 20);
    central.u16(flags);
    central.u16(method);
    central.u32(0);
    central.u32(e.crc ?? crc);
    central.u32(e.zip64 ? 0xffffffff : (e.compressedSize ?? data.length));
    central.u32(e.zip64 ? 0xffffffff : (e.size ?? e.data.length));
    central.u16(name.length);
    central.u16(extra.length);
    central.u16(0); // comment
    central.u16(0); // disk
    central.u16(0);
    central.u32(0);
    central.u32(e.zip64 ? 0xffffffff : offset);
    central.bytes(name);
    central.bytes(new Uint8Array(extra.parts));
  }
  const centralOffset = out.length;
  out.bytes(new Uint8Array(central.parts));
  const count = options.declaredCount ?? entries.length;
  if (options.zip64End) {
    const z = out.length;
    out.u32(0x06064b50);
    out.u64(44);
    out.u16(45);
    out.u16(45);
    out.u32(0);
    out.u32(0);
    out.u64(count);
    out.u64(count);
    out.u64(central.length);
    out.u64(centralOffset);
    out.u32(0x07064b50);
    out.u32(0);
    out.u64(z);
    out.u32(1);
  }
  out.u32(0x06054b50);
  out.u16(0);
  out.u16(0);
  out.u16(options.zip64End ? 0xffff : Math.min(count, 0xffff));
  out.u16(options.zip64End ? 0xffff : Math.min(count, 0xffff));
  out.u32(central.length);
  out.u32(options.zip64End ? 0xffffffff : centralOffset);
  out.u16(0);
  return new Uint8Array(out.parts);
}
