// The keyword index's snapshot format: byte arrays and strings rather than JSON or objects, so
// saving costs a pass and restoring little more than a copy (term-base.ts searches the terms and
// postings as stored; snapshot-columns.ts says what else is stored and how). Terms
// are sorted and each followed by a newline (a term never holds whitespace); term i's postings
// are pairs offsets[i] .. offsets[i + 1] (code, frequency), stored as variable-length deltas:
// about 3 bytes a posting instead of 8, which is what IndexedDB spends its time reading and
// writing. Removed notes are left out and the rest renumbered, so a restored index starts compact.
import type { KeywordIndexData, StoredKeywordDoc } from '../db/search-source';
import { TermTable, fieldCount, type Postings } from './term-table';
import { partBytes, type PackedTerms } from './term-base';
import { packDocs, packSteps, unpackDocs } from './snapshot-columns';
import { TermPages, pageAnchors } from './term-pages';
import { putVarint } from './varint';

/** The index as arrays in memory, postings unpacked: what `packIndex` stores. */
export interface IndexArrays {
  docs: StoredKeywordDoc[];
  terms: string[];
  offsets: Uint32Array;
  postings: Uint32Array;
}

/** A snapshot: the part read first, and the postings parts read after it. */
export interface PackedIndex {
  index: KeywordIndexData;
  parts: Uint8Array[];
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

/** The arrays as stored: terms joined, postings packed and cut into parts between terms. */
export async function packIndex(
  arrays: IndexArrays,
  pause?: Pause,
  maxPartBytes = partBytes,
): Promise<PackedIndex> {
  const { offsets, postings, terms } = arrays;
  const count = terms.length;
  const byteAt = new Uint32Array(count + 1);
  const partStarts = [0];
  const parts: Uint8Array[] = [];
  let packed = new Uint8Array(maxPartBytes + 1_024);
  let at = 0;
  let partStart = 0;
  const cut = (end: number) => {
    parts.push(packed.slice(0, at - partStart));
    packed = new Uint8Array(maxPartBytes + 1_024);
    partStart = at;
    partStarts.push(end);
  };
  for (let i = 0; i < count; i++) {
    if ((i & 0xfff) === 0xfff) await pause?.();
    if (at > partStart && at - partStart >= maxPartBytes) cut(i);
    byteAt[i] = at;
    const worst = at - partStart + (offsets[i + 1]! - offsets[i]!) * 10;
    if (worst > packed.length) {
      const grown = new Uint8Array(Math.max(packed.length * 2, worst));
      grown.set(packed.subarray(0, at - partStart));
      packed = grown;
    }
    // Codes grow within a term's list: each is stored as the step from the one before.
    let previous = 0;
    let local = at - partStart;
    for (let p = offsets[i]! * 2; p < offsets[i + 1]! * 2; p += 2) {
      local = putVarint(packed, local, postings[p]! - previous);
      local = putVarint(packed, local, postings[p + 1]!);
      previous = postings[p]!;
    }
    at = partStart + local;
  }
  byteAt[count] = at;
  if (at > partStart || parts.length === 0) cut(count);
  else partStarts[partStarts.length - 1] = count;
  const termAt = new Uint32Array(count + 1);
  for (let i = 0; i < count; i++) termAt[i + 1] = termAt[i]! + terms[i]!.length + 1;
  const index: KeywordIndexData = {
    docs: packDocs(arrays.docs),
    terms: count === 0 ? '' : `${terms.join('\n')}\n`,
    pairCounts: packSteps(offsets),
    byteCounts: packSteps(byteAt),
    pageAnchors: pageAnchors(termAt, offsets, byteAt),
    partAt: Uint32Array.from(partStarts),
  };
  return { index, parts };
}

/**
 * A stored index as searched (term-base.ts). The terms' and postings' starts are left packed:
 * they are decoded a page at a time as lookups need them (term-pages.ts).
 */
export function unpackIndex(data: KeywordIndexData): {
  docs: StoredKeywordDoc[];
  packed: PackedTerms;
} {
  const { terms, partAt, pairCounts, byteCounts, pageAnchors: anchors } = data;
  const count = partAt[partAt.length - 1] ?? -1;
  const pages = new TermPages(
    { terms, pairSteps: pairCounts, byteSteps: byteCounts, anchors },
    count,
  );
  return { docs: unpackDocs(data.docs), packed: { pages, partAt } };
}
