// The keyword index's dictionary as its snapshot stores it, searched in that form: a restore
// reads it and starts answering without unpacking anything (issue 13: at 10k notes, splitting
// 790,000 terms out of one string took 115–210 ms and decoding every posting 250–300 ms, on top
// of reading 29 MB from IndexedDB).
//
// Terms stay one sorted string; a lookup compares code units in place. Where each term and its
// postings start is decoded a page of terms at a time, when a lookup first needs it
// (term-pages.ts). Postings stay packed (keyword-codec.ts) in parts of about a megabyte, each a
// run of whole terms; a term's list is decoded when a search asks for it. A snapshot's parts are
// separate records read after the rest, so a restore waits only for the terms and the notes:
// a search that needs a part not read yet has it read first (`takeMissing` tells which).
import { SnapshotFormatError } from './snapshot-error';
import { VarintReader } from './varint';
import { TermPages, pageTerms } from './term-pages';

/** A part holds terms' postings up to about this many bytes. */
export const partBytes = 1 << 20;

/**
 * The dictionary as searched, without the parts' bytes. A snapshot stores `terms` and `partAt` as
 * they are and the rest in a smaller form (search-source.ts, snapshot-columns.ts).
 */
export interface PackedTerms {
  /**
   * The terms, sorted by code unit, each followed by '\n', and per term (decoded a page at a
   * time): where it starts, its postings (code = note number × 4 + field, frequency) as a range
   * of pair numbers, and where its packed postings start, counting bytes across all parts.
   */
  pages: TermPages;
  /** The first term of each part (length parts + 1: the last is the term count). */
  partAt: Uint32Array;
}

/** Reads part `i` of the snapshot this base came from. */
export type PartReader = (parts: number[]) => Promise<Uint8Array[]>;

/** Checks the shapes that every lookup relies on; the parts are checked as they are read. */
export function checkPackedTerms(p: PackedTerms): void {
  const fits =
    p.partAt.length >= 1 &&
    p.partAt[0] === 0 &&
    p.partAt[p.partAt.length - 1] === p.pages.count &&
    p.partAt.every((v, i) => i === 0 || v >= p.partAt[i - 1]!);
  if (!fits) throw new SnapshotFormatError('The keyword index snapshot is inconsistent.');
}

export class TermBase {
  readonly #p: PackedTerms;
  readonly #parts: (Uint8Array | undefined)[];
  readonly #reading = new Map<number, Promise<void>>();
  readonly #read: PartReader | undefined;
  /** Codes at or past this name a note the snapshot lacks. */
  readonly #codeLimit: number;
  /** Parts a lookup needed while they were not read yet. */
  #missing = new Set<number>();

  /** `parts` in memory already, or `read` to fetch them from the snapshot when needed. */
  constructor(packed: PackedTerms, codeLimit: number, source: Uint8Array[] | PartReader) {
    checkPackedTerms(packed);
    this.#p = packed;
    this.#codeLimit = codeLimit;
    const partCount = packed.partAt.length - 1;
    if (typeof source === 'function') {
      this.#parts = new Array<Uint8Array | undefined>(partCount).fill(undefined);
      this.#read = source;
    } else {
      if (source.length !== partCount) throw new SnapshotFormatError('Missing postings parts.');
      source.forEach((bytes, part) => this.#checkPart(part, bytes));
      this.#parts = source;
    }
  }

  static empty(): TermBase {
    return new TermBase({ pages: TermPages.empty(), partAt: new Uint32Array(1) }, 0, []);
  }

  get size(): number {
    return this.#p.pages.count;
  }

  get packed(): PackedTerms {
    return this.#p;
  }

  /** Postings in all (removed notes' included), in pairs. */
  get totalPairs(): number {
    return this.#p.pages.totalPairs;
  }

  /** Where term i starts in the terms string, and where it ends (before its newline). */
  #span(i: number): [number, number] {
    const { page, at } = this.#p.pages.page(i);
    return [page.termAt[at]!, page.termAt[at + 1]! - 1];
  }

  term(i: number): string {
    const [start, end] = this.#span(i);
    return this.#p.pages.stored.terms.slice(start, end);
  }

  termLength(i: number): number {
    const [start, end] = this.#span(i);
    return end - start;
  }

  /** Term i against `key` by code unit, as `<` orders strings, without slicing the term. */
  compare(i: number, key: string): number {
    const [start, end] = this.#span(i);
    return compareAt(this.#p.pages.stored.terms, start, end, key);
  }

  startsWith(i: number, prefix: string): boolean {
    const [start, end] = this.#span(i);
    if (end - start < prefix.length) return false;
    return this.#p.pages.stored.terms.startsWith(prefix, start);
  }

  /**
   * First index whose term is not below `key`: the page by its first term (read in place, so
   * pages passed over are not decoded), then the term within it.
   */
  lowerBound(key: string): number {
    const { pages } = this.#p;
    const terms = pages.stored.terms;
    // The last page whose first term is below `key`; none: the answer is 0.
    let lo = 0;
    let hi = pages.pageCount;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const start = pages.firstTermAt(mid);
      if (compareAt(terms, start, terms.indexOf('\n', start), key) < 0) lo = mid + 1;
      else hi = mid;
    }
    if (lo === 0) return 0;
    const first = (lo - 1) * pageTerms;
    lo = first + 1;
    hi = Math.min(first + pageTerms, this.size);
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.compare(mid, key) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  indexOf(term: string): number {
    const at = this.lowerBound(term);
    return at < this.size && this.compare(at, term) === 0 ? at : -1;
  }

  /** Documents (fields counted apart) term i has postings in: its weight for prefixes. */
  pairs(i: number): number {
    const { page, at } = this.#p.pages.page(i);
    return page.offsets[at + 1]! - page.offsets[at]!;
  }

  /**
   * Term i's postings, decoded now. When its part is not read yet the list is empty and the
   * part is noted in `takeMissing`, so the caller can read it and ask again.
   */
  postings(i: number): Uint32Array {
    const part = this.#partOf(i);
    const bytes = this.#parts[part];
    if (!bytes) {
      this.#missing.add(part);
      return new Uint32Array(0);
    }
    const { page, at: t } = this.#p.pages.page(i);
    const out = new Uint32Array((page.offsets[t + 1]! - page.offsets[t]!) * 2);
    let at = page.byteAt[t]! - this.#byteAt(this.#p.partAt[part]!);
    const next = (): number => {
      let value = 0;
      for (let scale = 1; ; scale *= 0x80) {
        const byte = bytes[at++]!;
        value += (byte & 0x7f) * scale;
        if (byte < 0x80) return value;
      }
    };
    let code = 0;
    for (let p = 0; p < out.length; p += 2) {
      code += next();
      out[p] = code;
      out[p + 1] = next();
    }
    return out;
  }

  /** The parts lookups needed but did not have, since the last call. */
  takeMissing(): number[] {
    const parts = [...this.#missing];
    this.#missing.clear();
    return parts;
  }

  get complete(): boolean {
    return this.#parts.every((part) => part !== undefined);
  }

  /**
   * Reads every part not in memory yet, one at a time: a search's own read of the part it needs
   * is then never queued behind the whole postings (19 MB at 10k notes).
   */
  async loadAll(): Promise<void> {
    for (let part = 0; part < this.#parts.length; part++) await this.load([part]);
  }

  /** Reads `parts` that are not in memory yet. */
  async load(parts: number[]): Promise<void> {
    const wanted = parts.filter((p) => !this.#parts[p] && !this.#reading.has(p));
    if (wanted.length > 0 && this.#read) {
      const reading = this.#read(wanted).then((read) => {
        read.forEach((bytes, i) => this.#checkPart(wanted[i]!, bytes));
        read.forEach((bytes, i) => (this.#parts[wanted[i]!] = bytes));
      });
      for (const p of wanted) this.#reading.set(p, reading);
      reading.catch(() => undefined).finally(() => wanted.forEach((p) => this.#reading.delete(p)));
    }
    const pending = parts.flatMap((p) => this.#reading.get(p) ?? []);
    await Promise.all(pending);
  }

  /** The parts' bytes; all must be read. */
  get parts(): Uint8Array[] {
    if (!this.complete) throw new Error('The keyword index is not fully read yet.');
    return this.#parts as Uint8Array[];
  }

  #partOf(i: number): number {
    const { partAt } = this.#p;
    let lo = 0;
    let hi = partAt.length - 2;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (partAt[mid]! <= i) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /**
   * A part must hold exactly its terms' bytes, and every code in it a note of the snapshot:
   * one pass over the part (a few ms a megabyte) instead of trusting it on every later lookup.
   */
  #checkPart(part: number, bytes: Uint8Array): void {
    const { partAt, pages } = this.#p;
    const first = partAt[part]!;
    const end = partAt[part + 1]!;
    const firstByte = this.#byteAt(first);
    if (bytes.length !== this.#byteAt(end) - firstByte)
      throw new SnapshotFormatError('The keyword index snapshot is cut short.');
    const reader = new VarintReader(bytes);
    for (let i = first; i < end; i++) {
      const { page, at } = pages.page(i);
      let code = 0;
      for (let p = page.offsets[at]!; p < page.offsets[at + 1]!; p++) {
        code += reader.next();
        if (code >= this.#codeLimit)
          throw new SnapshotFormatError('The keyword index snapshot names a missing note.');
        reader.next();
      }
      if (reader.position !== page.byteAt[at + 1]! - firstByte)
        throw new SnapshotFormatError('The keyword index snapshot is inconsistent.');
    }
  }

  #byteAt(i: number): number {
    const { page, at } = this.#p.pages.page(i);
    return page.byteAt[at]!;
  }
}

/** `terms.slice(start, end)` against `key` by code unit, as `<` orders strings. */
function compareAt(terms: string, start: number, end: number, key: string): number {
  const length = end - start;
  const n = Math.min(length, key.length);
  for (let k = 0; k < n; k++) {
    const d = terms.charCodeAt(start + k) - key.charCodeAt(k);
    if (d !== 0) return d;
  }
  return length - key.length;
}
