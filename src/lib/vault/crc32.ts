// CRC-32 (IEEE 802.3, as zip uses it), table-driven. fflate computes it when writing but does not
// export it, and its reader never checks it: Hearth checks every entry it unpacks.

const table = new Uint32Array(256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  table[n] = c >>> 0;
}

/** The CRC-32 of `bytes`, continuing from `previous` when the data comes in parts. */
export function crc32(bytes: Uint8Array, previous = 0): number {
  let crc = ~previous;
  for (let i = 0; i < bytes.length; i++) crc = table[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return ~crc >>> 0;
}
