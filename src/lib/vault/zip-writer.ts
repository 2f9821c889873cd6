// Zip archives out, through fflate's streaming writer: entries are added one at a time and the
// output is gathered into a Blob as it grows, so an export of a vault with hundreds of MB of
// attachments never holds the whole archive (or every attachment) in memory at once.
import { Zip, ZipDeflate, ZipPassThrough } from 'fflate';

/** Output gathered before it is folded into the Blob (which the browser may keep on disk). */
const foldBytes = 16 * 1024 * 1024;

export interface ZipAddOptions {
  /** Modification time written into the archive (ms since epoch). */
  modifiedAt?: number | undefined;
  /** Deflate the bytes; off for formats that are compressed already (images, audio, PDFs). */
  compress: boolean;
}

export class ZipBlobWriter {
  #blob = new Blob([]);
  #pending: Uint8Array<ArrayBuffer>[] = [];
  #pendingBytes = 0;
  #error: Error | null = null;
  #zip = new Zip((error, chunk) => {
    if (error) this.#error = error;
    else {
      this.#pending.push(chunk);
      this.#pendingBytes += chunk.length;
      if (this.#pendingBytes >= foldBytes) this.#fold();
    }
  });

  add(path: string, bytes: Uint8Array, options: ZipAddOptions): void {
    const mtime = options.modifiedAt === undefined ? undefined : clampZipTime(options.modifiedAt);
    const attributes = mtime === undefined ? {} : { mtime };
    const entry = options.compress
      ? new ZipDeflate(path, { level: 6, ...attributes })
      : new ZipPassThrough(path);
    if (!options.compress && mtime !== undefined) entry.mtime = mtime;
    this.#zip.add(entry);
    entry.push(bytes, true);
    this.#throwIfFailed();
  }

  /** Ends the archive and returns it. */
  finish(): Blob {
    this.#zip.end();
    this.#throwIfFailed();
    this.#fold();
    return this.#blob;
  }

  #fold(): void {
    this.#blob = new Blob([this.#blob, ...this.#pending], { type: 'application/zip' });
    this.#pending = [];
    this.#pendingBytes = 0;
  }

  #throwIfFailed(): void {
    if (this.#error) throw this.#error;
  }
}

/** Zip timestamps (DOS time) cover 1980 to 2107. */
function clampZipTime(ms: number): Date {
  const min = Date.UTC(1980, 0, 2);
  const max = Date.UTC(2099, 11, 31);
  return new Date(Math.min(Math.max(ms, min), max));
}
