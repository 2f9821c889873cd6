// The keyword index's snapshot format: two typed arrays and one string rather than JSON, so
// saving and restoring cost a copy and a linear pass, not a parse. Terms are sorted and joined by
// newlines (a term never holds whitespace); term i's postings are pairs offsets[i] ..
// offsets[i + 1] (code, frequency), stored as variable-length deltas: about 3 bytes a posting
// instead of 8, which is what IndexedDB spends its time reading and writing. Removed notes are
// left out and the rest renumbered, so a restored index starts compact; the unpacked arrays then
// serve searches as they are (term-table.ts).
import type { KeywordIndexData, StoredKeywordDoc } from '../db/search-source';
import { TermTable, fieldCount, type Postings, type TermBase } from './term-table';

/** The index as arrays in memory: what a snapshot holds, postings unpacked. */
export interface IndexArrays extends TermBase {
  docs: StoredKeywordDoc[];
}

/** Called now and then; resolves after a pause when the caller's time slice is used up. */
export type Pause = () => Promise<void> | void;

export async function encodeIndex(
  docs: readonly (StoredKeywordDoc | undefined)[],
  table: TermTable,
  pause?: Pause,
): Promise<IndexArrays> {
  const renumber = new Int32Array(docs.length).fill(-1);
  const keptDocs: StoredKeywordDoc[] = [];
  docs.forEach((doc, num) => {
    if (doc) renumber[num] = keptDocs.push(doc) - 1;
  });
  const live = (code: number) => renumber[Math.floor(code / fieldCount)] ?? -1;
  // No removed notes (the usual case): numbers stay, and postings are copied as they are.
  const dense = keptDocs.length === docs.length;
  // Pauses let searches run; the caller makes sure nothing changes the index meanwhile.
  const { terms, baseAt } = await table.sorted(pause);
  const kept: [string, Postings, number][] = [];
  let total = 0;
  for (let i = 0; i < terms.length; i++) {
    const list = table.postingsOf(terms[i]!, baseAt[i]!);
    let count = dense ? list.length / 2 : 0;
    if (!dense) for (let p = 0; p < list.length; p += 2) if (live(list[p]!) >= 0) count++;
    if (count > 0) {
      kept.push([terms[i]!, list, list.length]);
      total += count;
    }
    if ((i & 0xfff) === 0xfff) await pause?.();
  }
  const offsets = new Uint32Array(kept.length + 1);
  const postings = new Uint32Array(total * 2);
  let at = 0;
  for (let i = 0; i < kept.length; i++) {
    if ((i & 0xfff) === 0xfff) await pause?.();
    const [, list, length] = kept[i]!;
    offsets[i] = at;
    if (dense) {
      for (let p = 0; p < length; p++) postings[at * 2 + p] = list[p]!;
      at += length / 2;
      continue;
    }
    for (let p = 0; p < length; p += 2) {
      const num = live(list[p]!);
      if (num < 0) continue;
      postings[at * 2] = num * fieldCount + (list[p]! % fieldCount);
      postings[at * 2 + 1] = list[p + 1]!;
      at++;
    }
  }
  offsets[kept.length] = at;
  return { docs: keptDocs, terms: kept.map(([term]) => term), offsets, postings };
}

/** Writes `value` 7 bits a byte, low bits first, the high bit set on all but the last byte. */
function putVarint(out: Uint8Array, at: number, value: number): number {
  while (value >= 0x80) {
    out[at++] = (value & 0x7f) | 0x80;
    value = Math.floor(value / 0x80);
  }
  out[at++] = value;
  return at;
}

/** The arrays as stored: terms joined, postings packed. */
export async function packIndex(arrays: IndexArrays, pause?: Pause): Promise<KeywordIndexData> {
  const { offsets, postings } = arrays;
  let packed = new Uint8Array(Math.max(1_024, postings.length * 2));
  let at = 0;
  for (let i = 0; i + 1 < offsets.length; i++) {
    if ((i & 0xfff) === 0xfff) await pause?.();
    if (at + (offsets[i + 1]! - offsets[i]!) * 10 > packed.length) {
      const grown = new Uint8Array(
        Math.max(packed.length * 2, at + (offsets[i + 1]! - offsets[i]!) * 10),
      );
      grown.set(packed.subarray(0, at));
      packed = grown;
    }
    // Codes grow within a term's list: each is stored as the step from the one before.
    let previous = 0;
    for (let p = offsets[i]! * 2; p < offsets[i + 1]! * 2; p += 2) {
      at = putVarint(packed, at, postings[p]! - previous);
      at = putVarint(packed, at, postings[p + 1]!);
      previous = postings[p]!;
    }
  }
  return {
    docs: arrays.docs,
    terms: arrays.terms.join('\n'),
    offsets,
    packed: packed.slice(0, at),
  };
}

export class SnapshotFormatError extends Error {
  override name = 'SnapshotFormatError';
}

/** The stored index unpacked; throws `SnapshotFormatError` if it does not hold together. */
export function unpackIndex(data: KeywordIndexData): IndexArrays {
  const terms = data.terms === '' ? [] : data.terms.split('\n');
  const { offsets, packed, docs } = data;
  if (offsets.length !== terms.length + 1) {
    throw new SnapshotFormatError('The keyword index snapshot is inconsistent.');
  }
  const postings = new Uint32Array(offsets[terms.length]! * 2);
  const limit = docs.length * fieldCount;
  let at = 0;
  const next = (): number => {
    let value = 0;
    for (let scale = 1; ; scale *= 0x80) {
      const byte = packed[at++];
      if (byte === undefined)
        throw new SnapshotFormatError('The keyword index snapshot is cut short.');
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
    }
  };
  for (let i = 0; i < terms.length; i++) {
    let code = 0;
    for (let p = offsets[i]! * 2; p < offsets[i + 1]! * 2; p += 2) {
      code += next();
      if (code >= limit)
        throw new SnapshotFormatError('The keyword index snapshot names a missing note.');
      postings[p] = code;
      postings[p + 1] = next();
    }
  }
  if (at !== packed.length)
    throw new SnapshotFormatError('The keyword index snapshot is inconsistent.');
  return { docs, terms, offsets, postings };
}
