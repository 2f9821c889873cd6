// The variable-length numbers of the keyword snapshot, shared by the postings (keyword-codec.ts,
// term-base.ts' check of a stored part) and the columns read before a restore can search
// (snapshot-columns.ts).
import { SnapshotFormatError } from './snapshot-error';

/** Writes `value` 7 bits a byte, low bits first, the high bit set on all but the last byte. */
export function putVarint(out: Uint8Array, at: number, value: number): number {
  while (value >= 0x80) {
    out[at++] = (value & 0x7f) | 0x80;
    value = Math.floor(value / 0x80);
  }
  out[at++] = value;
  return at;
}

/** Reads what `putVarint` wrote, in order; stored bytes that end mid-number are a format error. */
export class VarintReader {
  #at: number;
  /** Reads from `at` on. */
  constructor(
    readonly bytes: Uint8Array,
    at = 0,
  ) {
    this.#at = at;
  }

  next(): number {
    let value = 0;
    for (let scale = 1; ; scale *= 0x80) {
      const byte = this.bytes[this.#at++];
      if (byte === undefined)
        throw new SnapshotFormatError('The keyword index snapshot is cut short.');
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
    }
  }

  /** Bytes read so far. */
  get position(): number {
    return this.#at;
  }

  get atEnd(): boolean {
    return this.#at === this.bytes.length;
  }
}
