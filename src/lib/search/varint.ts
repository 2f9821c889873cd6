// The variable-length numbers of the keyword snapshot, shared by the postings (keyword-codec.ts)
// and the columns read before a restore can search (snapshot-columns.ts).

/** Writes `value` 7 bits a byte, low bits first, the high bit set on all but the last byte. */
export function putVarint(out: Uint8Array, at: number, value: number): number {
  while (value >= 0x80) {
    out[at++] = (value & 0x7f) | 0x80;
    value = Math.floor(value / 0x80);
  }
  out[at++] = value;
  return at;
}
