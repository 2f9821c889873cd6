// SHA-256 fed in parts, for inputs too large to hold whole (model files, a backup's large
// entries): WebCrypto's digest takes one buffer only. The hash itself is @noble/hashes (audited;
// age-encryption ships it too); small inputs still go through WebCrypto (hash.ts), which is faster.
import { sha256 } from '@noble/hashes/sha2.js';

export function toHex(bytes: Uint8Array): string {
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

/** An incremental SHA-256: feed it chunks in order, read the hex digest once at the end. */
export class StreamingSha256 {
  #hash = sha256.create();
  #bytes = 0;

  update(chunk: Uint8Array): this {
    this.#hash.update(chunk);
    this.#bytes += chunk.byteLength;
    return this;
  }

  get sizeBytes(): number {
    return this.#bytes;
  }

  /** The digest as lowercase hex; the hash cannot be updated after. */
  hex(): string {
    return toHex(this.#hash.digest());
  }
}
