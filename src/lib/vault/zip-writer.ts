// Zip archives out, written here byte by byte (deflate-raw.ts compresses): each entry goes out as
// soon as it is added and the output is gathered into a Blob as it grows, so an export of a vault
// with hundreds of MB of attachments never holds the whole archive (or every attachment) in
// memory. A large stored file (a model's, from Cache Storage) joins the output as the Blob it is:
// read once a slice at a time for its CRC-32, never copied.
// Zip64 records are written when an archive needs them (more than 65,534 entries, sizes or
// offsets from 4 GiB up): fflate's writer has none, and wrapped its counts and offsets silently.
// Layout: PKWARE APPNOTE.TXT 6.3, sections 4.3.7 to 4.3.16 and 4.5.3.
import { crc32 } from './crc32';
import { deflateRaw } from './deflate-raw';

/** Output gathered before it is folded into the Blob (which the browser may keep on disk). */
const foldBytes = 16 * 1024 * 1024;
/** A Blob added whole is read this much at a time for its CRC-32. */
const blobSliceBytes = 4 * 1024 * 1024;
/** Small writes gathered into one part before they join the output. */
const stageBytes = 256 * 1024;
const u16max = 0xffff;
const u32max = 0xffffffff;
/** Version needed to extract: 2.0 (deflate), 4.5 (zip64). */
const plainVersion = 20;
const zip64Version = 45;
const utf8Flag = 0x800;
const encoder = new TextEncoder();

export interface ZipAddOptions {
  /** Modification time written into the archive (ms since epoch). */
  modifiedAt?: number | undefined;
  /** Deflate the bytes; off for formats that are compressed already (images, audio, PDFs). */
  compress: boolean;
}

export interface ZipWriterOptions {
  /** Writes zip64 fields for every entry and the end, needed or not (lets tests check them). */
  forceZip64?: boolean;
}

/** Little-endian fields into a fixed-size record. */
class Record {
  readonly bytes: Uint8Array<ArrayBuffer>;
  #view: DataView;
  #at = 0;
  constructor(length: number) {
    this.bytes = new Uint8Array(length);
    this.#view = new DataView(this.bytes.buffer);
  }
  u16(value: number): this {
    this.#view.setUint16(this.#at, value, true);
    this.#at += 2;
    return this;
  }
  u32(value: number): this {
    this.#view.setUint32(this.#at, value, true);
    this.#at += 4;
    return this;
  }
  u64(value: number): this {
    this.#view.setBigUint64(this.#at, BigInt(value), true);
    this.#at += 8;
    return this;
  }
  put(bytes: Uint8Array): this {
    this.bytes.set(bytes, this.#at);
    this.#at += bytes.length;
    return this;
  }
}

export class ZipBlobWriter {
  #blob = new Blob([]);
  #pending: Uint8Array<ArrayBuffer>[] = [];
  #pendingBytes = 0;
  #stage = new Uint8Array(stageBytes);
  #staged = 0;
  /** Bytes written so far: where the next record starts. */
  #offset = 0;
  #central: Uint8Array<ArrayBuffer>[] = [];
  #centralBytes = 0;
  #finished = false;
  readonly #force: boolean;

  constructor(options: ZipWriterOptions = {}) {
    this.#force = options.forceZip64 ?? false;
  }

  /** Adds an entry; await each call before the next (entries go out in the order they end). */
  async add(path: string, bytes: Uint8Array, options: ZipAddOptions): Promise<void> {
    if (this.#finished) throw new Error('The zip is finished; nothing more can be added.');
    const data = options.compress ? await deflateRaw(bytes) : bytes;
    const entry = this.#entry(path, options, crc32(bytes), bytes.length, data.length);
    this.#emit(this.#localHeader(entry));
    this.#emit(data as Uint8Array<ArrayBuffer>);
    this.#endEntry(entry);
  }

  /**
   * Adds `blob` stored (not deflated) without reading it into memory: its CRC-32 is computed a
   * slice at a time, then the Blob itself becomes part of the archive (the browser joins Blobs by
   * reference, so a disk-backed one, a cached model file, stays on disk).
   */
  async addBlob(
    path: string,
    blob: Blob,
    options: Omit<ZipAddOptions, 'compress'> = {},
  ): Promise<void> {
    let crc = 0;
    for (let at = 0; at < blob.size; at += blobSliceBytes)
      crc = crc32(new Uint8Array(await blob.slice(at, at + blobSliceBytes).arrayBuffer()), crc);
    const entry = this.#entry(path, { ...options, compress: false }, crc, blob.size, blob.size);
    this.#emit(this.#localHeader(entry));
    this.#fold();
    this.#blob = new Blob([this.#blob, blob], { type: 'application/zip' });
    this.#offset += blob.size;
    this.#endEntry(entry);
  }

  #entry(
    path: string,
    options: ZipAddOptions,
    crc: number,
    sizeBytes: number,
    compressedBytes: number,
  ): EntryFields {
    if (this.#finished) throw new Error('The zip is finished; nothing more can be added.');
    const name = encoder.encode(path);
    if (name.length > u16max) throw new Error(`The path “${path.slice(0, 80)}…” is too long.`);
    return {
      name,
      flags: name.length === path.length ? 0 : utf8Flag,
      method: options.compress ? 8 : 0,
      dosTime: dosTime(clampZipTime(options.modifiedAt ?? Date.now())),
      crc,
      sizeBytes,
      compressedBytes,
      offset: this.#offset,
    };
  }

  #endEntry(entry: EntryFields): void {
    const central = this.#centralHeader(entry);
    this.#central.push(central);
    this.#centralBytes += central.length;
  }

  /** Ends the archive and returns it. */
  finish(): Blob {
    if (!this.#finished) {
      this.#finished = true;
      const count = this.#central.length;
      const offset = this.#offset;
      const size = this.#centralBytes;
      for (const record of this.#central) this.#emit(record);
      this.#central = [];
      const zip64 = this.#force || count >= u16max || this.#big(size) || this.#big(offset);
      if (zip64) this.#emit(zip64End(count, size, offset, this.#offset));
      const count16 = zip64 && (this.#force || count >= u16max) ? u16max : count;
      this.#emit(
        new Record(22)
          .u32(0x06054b50)
          .u32(0) // this disk, and the disk where the directory starts
          .u16(count16)
          .u16(count16)
          .u32(this.#big(size) ? u32max : size)
          .u32(this.#big(offset) ? u32max : offset)
          .u16(0).bytes, // comment length
      );
      this.#fold();
    }
    return this.#blob;
  }

  /** Whether a size or offset goes in a zip64 field (0xFFFFFFFF itself means "see zip64"). */
  #big(value: number): boolean {
    return this.#force || value >= u32max;
  }

  #localHeader(entry: EntryFields): Uint8Array<ArrayBuffer> {
    // A local zip64 field holds both sizes, whichever of them is large (APPNOTE 4.5.3).
    const zip64 = this.#big(entry.sizeBytes) || this.#big(entry.compressedBytes);
    const record = new Record(30 + entry.name.length + (zip64 ? 20 : 0))
      .u32(0x04034b50)
      .u16(zip64 ? zip64Version : plainVersion)
      .u16(entry.flags)
      .u16(entry.method)
      .u32(entry.dosTime)
      .u32(entry.crc)
      .u32(zip64 ? u32max : entry.compressedBytes)
      .u32(zip64 ? u32max : entry.sizeBytes)
      .u16(entry.name.length)
      .u16(zip64 ? 20 : 0)
      .put(entry.name);
    if (zip64) record.u16(0x0001).u16(16).u64(entry.sizeBytes).u64(entry.compressedBytes);
    return record.bytes;
  }

  #centralHeader(entry: EntryFields): Uint8Array<ArrayBuffer> {
    // Only the fields that overflow go in the zip64 field, in this order.
    const wide = [entry.sizeBytes, entry.compressedBytes, entry.offset].map((v) => this.#big(v));
    const [size64, compressed64, offset64] = wide;
    const extraLength = wide.some(Boolean) ? 4 + 8 * wide.filter(Boolean).length : 0;
    const version = extraLength > 0 ? zip64Version : plainVersion;
    const record = new Record(46 + entry.name.length + extraLength)
      .u32(0x02014b50)
      .u16(version) // made by (MS-DOS attributes)
      .u16(version)
      .u16(entry.flags)
      .u16(entry.method)
      .u32(entry.dosTime)
      .u32(entry.crc)
      .u32(compressed64 ? u32max : entry.compressedBytes)
      .u32(size64 ? u32max : entry.sizeBytes)
      .u16(entry.name.length)
      .u16(extraLength)
      .u16(0) // comment length
      .u16(0) // disk number
      .u16(0) // internal attributes
      .u32(0) // external attributes
      .u32(offset64 ? u32max : entry.offset)
      .put(entry.name);
    if (extraLength > 0) {
      record.u16(0x0001).u16(extraLength - 4);
      if (size64) record.u64(entry.sizeBytes);
      if (compressed64) record.u64(entry.compressedBytes);
      if (offset64) record.u64(entry.offset);
    }
    return record.bytes;
  }

  #emit(chunk: Uint8Array<ArrayBuffer>): void {
    this.#offset += chunk.length;
    // Headers and small files are copied together: a Blob of many tiny parts is slow to build.
    if (chunk.length < stageBytes / 4) {
      if (this.#staged + chunk.length > stageBytes) this.#unstage();
      this.#stage.set(chunk, this.#staged);
      this.#staged += chunk.length;
    } else {
      this.#unstage();
      this.#pending.push(chunk);
      this.#pendingBytes += chunk.length;
    }
    if (this.#pendingBytes >= foldBytes) this.#fold();
  }

  #unstage(): void {
    if (this.#staged === 0) return;
    this.#pending.push(this.#stage.slice(0, this.#staged));
    this.#pendingBytes += this.#staged;
    this.#staged = 0;
  }

  #fold(): void {
    this.#unstage();
    this.#blob = new Blob([this.#blob, ...this.#pending], { type: 'application/zip' });
    this.#pending = [];
    this.#pendingBytes = 0;
  }
}

interface EntryFields {
  name: Uint8Array;
  flags: number;
  method: number;
  dosTime: number;
  crc: number;
  sizeBytes: number;
  compressedBytes: number;
  offset: number;
}

/** The zip64 end of central directory record (56 bytes) and its locator (20 bytes). */
function zip64End(
  count: number,
  size: number,
  offset: number,
  at: number,
): Uint8Array<ArrayBuffer> {
  return new Record(76)
    .u32(0x06064b50)
    .u64(44) // size of the rest of the record
    .u16(zip64Version)
    .u16(zip64Version)
    .u32(0) // this disk
    .u32(0) // the disk where the directory starts
    .u64(count) // entries on this disk
    .u64(count)
    .u64(size)
    .u64(offset)
    .u32(0x07064b50)
    .u32(0) // the disk holding the zip64 end record
    .u64(at)
    .u32(1).bytes; // disks in all
}

/** MS-DOS date (high 16 bits) and time (low 16 bits), in local time as zip tools read them. */
function dosTime(date: Date): number {
  return (
    (((date.getFullYear() - 1980) << 25) |
      ((date.getMonth() + 1) << 21) |
      (date.getDate() << 16) |
      (date.getHours() << 11) |
      (date.getMinutes() << 5) |
      (date.getSeconds() >> 1)) >>>
    0
  );
}

/** Zip timestamps (DOS time) cover 1980 to 2107. */
function clampZipTime(ms: number): Date {
  const min = Date.UTC(1980, 0, 2);
  const max = Date.UTC(2099, 11, 31);
  return new Date(Math.min(Math.max(ms, min), max));
}
