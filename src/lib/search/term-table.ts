// The keyword index's dictionary: each term's postings, and the terms that begin with a prefix
// or lie one typo away.
//
// Two tiers. The base comes from a snapshot as it was stored (term-base.ts): the terms sorted in
// one string and their postings packed, so a restore costs reading them, not half a million
// Map insertions (measured: 2.5 s for 450,000 terms on this machine, most of it hashing) nor
// unpacking. A term is found there by binary search, and a prefix is a contiguous range.
// Postings written since (new and changed notes) go to an overlay Map; terms new to the vault
// are also filed by their first two code units for prefix and typo lookups.
//
// Why not a radix tree (MiniSearch's): its nodes find a child by scanning every key, and a
// multilingual vault puts thousands of distinct first characters (Han, Hangul, kana, a dozen
// alphabets) under the root: indexing cost ~20 ms a note there, and each lookup tens of µs.
//
// A posting is two numbers, `doc * 4 + field` and the term's frequency there. Documents get
// increasing numbers and the overlay only holds documents newer than the base's, so a term's
// postings, base then overlay, are sorted by document (`findDoc` relies on it).
import { TermBase } from './term-base';

/** Fields of an indexed note, in posting order. */
export const fieldCount = 4;

export type Postings = ArrayLike<number>;

/** The code unit after `char`: every term starting with `char` sorts below it. */
const after = (char: string) => String.fromCharCode(char.charCodeAt(0) + 1);

export class TermTable {
  #base = TermBase.empty();
  #overlay = new Map<string, number[]>();
  /** Overlay terms the base lacks. */
  #newTerms = 0;
  /** Terms the base lacks, by first code unit, then second (-1 for one-unit terms). */
  #buckets = new Map<number, Map<number, string[]>>();

  constructor(base?: TermBase) {
    if (base) this.#base = base;
  }

  /** Distinct terms. */
  get size(): number {
    return this.#base.size + this.#newTerms;
  }

  /** The snapshot form of the base, and its parts still to read (term-base.ts). */
  get base(): TermBase {
    return this.#base;
  }

  #baseIndex(term: string): number {
    return this.#base.indexOf(term);
  }

  #baseList(at: number): Uint32Array {
    return this.#base.postings(at);
  }

  get(term: string): Postings | undefined {
    const extra = this.#overlay.get(term);
    const at = this.#baseIndex(term);
    if (at < 0) return extra;
    return extra ? concat(this.#baseList(at), extra) : this.#baseList(at);
  }

  /** How many documents' postings a term has (its document frequency, removed ones included). */
  #weight(term: string, at = this.#baseIndex(term)): number {
    const base = at < 0 ? 0 : this.#base.pairs(at);
    return base + (this.#overlay.get(term)?.length ?? 0) / 2;
  }

  /**
   * Adds `frequency` occurrences of `term` at `code` (document × 4 + field). A document's
   * postings are written while it is indexed, so its posting is the overlay list's last if it
   * exists; returns true when there was none yet (a new posting).
   */
  add(term: string, code: number, frequency: number): boolean {
    const list = this.#overlay.get(term);
    if (!list) {
      this.#overlay.set(term, [code, frequency]);
      if (this.#baseIndex(term) < 0) this.#file(term);
      return true;
    }
    const last = list.length - 2;
    if (list[last] === code) {
      list[last + 1]! += frequency;
      return false;
    }
    list.push(code, frequency);
    return true;
  }

  /**
   * Every term, sorted, and where each sits in the base (-1 if it is new), for `postingsOf`.
   * `pause` lets searches run while the new terms are sorted.
   */
  async sorted(
    pause?: () => Promise<void> | void,
  ): Promise<{ terms: string[]; baseAt: Int32Array }> {
    const fresh = await sortSliced(
      [...this.#overlay.keys()].filter((t) => this.#baseIndex(t) < 0),
      pause,
    );
    const base = this.#base;
    const terms = new Array<string>(base.size + fresh.length);
    const baseAt = new Int32Array(terms.length);
    for (let i = 0, j = 0, k = 0; k < terms.length; k++) {
      const fromBase = j >= fresh.length || (i < base.size && base.compare(i, fresh[j]!) < 0);
      baseAt[k] = fromBase ? i : -1;
      terms[k] = fromBase ? base.term(i++) : fresh[j++]!;
      if ((k & 0xffff) === 0xffff) await pause?.();
    }
    return { terms, baseAt };
  }

  /** The postings of `term`, whose base position `sorted` gave (no search). */
  postingsOf(term: string, baseAt: number): Postings {
    const extra = this.#overlay.get(term);
    if (baseAt < 0) return extra ?? [];
    return extra ? concat(this.#baseList(baseAt), extra) : this.#baseList(baseAt);
  }

  /** Terms longer than `prefix` that start with it, at most `limit` (the most frequent). */
  withPrefix(prefix: string, limit = Infinity): string[] {
    const found: string[] = [];
    const base = this.#base;
    for (let at = base.lowerBound(prefix); at < base.size && base.startsWith(at, prefix); at++) {
      if (base.termLength(at) > prefix.length) found.push(base.term(at));
    }
    const collect = (bucket: string[] | undefined) => {
      for (const term of bucket ?? [])
        if (term.length > prefix.length && term.startsWith(prefix)) found.push(term);
    };
    const byFirst = this.#buckets.get(prefix.charCodeAt(0));
    if (prefix.length >= 2) collect(byFirst?.get(prefix.charCodeAt(1)));
    else for (const bucket of byFirst?.values() ?? []) collect(bucket);
    if (found.length <= limit) return found;
    const weighted = found.map((term) => ({ term, weight: this.#weight(term) }));
    // Ties go by term, so the same terms are chosen whichever tier holds them.
    weighted.sort((a, b) => b.weight - a.weight || (a.term < b.term ? -1 : 1));
    return weighted.slice(0, limit).map((w) => w.term);
  }

  /** Terms one edit (insert, delete, substitute, swap) away that keep the first character. */
  near(term: string): string[] {
    const out: string[] = [];
    const first = term[0] ?? '';
    const consider = (candidate: string) => {
      if (Math.abs(candidate.length - term.length) <= 1 && candidate !== term) {
        if (withinOneEdit(term, candidate)) out.push(candidate);
      }
    };
    const base = this.#base;
    const end = base.lowerBound(after(first));
    for (let at = base.lowerBound(first); at < end; at++) {
      // Only terms of a fitting length are sliced out of the base's string.
      if (Math.abs(base.termLength(at) - term.length) <= 1) consider(base.term(at));
    }
    for (const bucket of this.#buckets.get(term.charCodeAt(0))?.values() ?? []) {
      for (const candidate of bucket) consider(candidate);
    }
    return out;
  }

  #file(term: string): void {
    this.#newTerms++;
    const first = term.charCodeAt(0);
    const second = term.length > 1 ? term.charCodeAt(1) : -1;
    let byFirst = this.#buckets.get(first);
    if (!byFirst) {
      byFirst = new Map<number, string[]>();
      this.#buckets.set(first, byFirst);
    }
    const bucket = byFirst.get(second);
    if (bucket) bucket.push(term);
    else byFirst.set(second, [term]);
  }
}

function concat(base: Uint32Array, extra: number[]): number[] {
  const all = new Array<number>(base.length + extra.length);
  for (let i = 0; i < base.length; i++) all[i] = base[i]!;
  for (let i = 0; i < extra.length; i++) all[base.length + i] = extra[i]!;
  return all;
}

/** Sorts strings by code unit in runs and merges, pausing between steps (no long task). */
export async function sortSliced(
  items: string[],
  pause?: () => Promise<void> | void,
): Promise<string[]> {
  const runLength = 8_192;
  let runs: string[][] = [];
  for (let i = 0; i < items.length; i += runLength) {
    runs.push(items.slice(i, i + runLength).sort());
    await pause?.();
  }
  while (runs.length > 1) {
    const merged: string[][] = [];
    for (let r = 0; r < runs.length; r += 2) {
      const [a, b] = [runs[r]!, runs[r + 1]];
      if (!b) {
        merged.push(a);
        continue;
      }
      const out = new Array<string>(a.length + b.length);
      let i = 0;
      let j = 0;
      for (let k = 0; k < out.length; k++) {
        out[k] = j >= b.length || (i < a.length && a[i]! <= b[j]!) ? a[i++]! : b[j++]!;
        if ((k & 0xfff) === 0xfff) await pause?.();
      }
      merged.push(out);
    }
    runs = merged;
  }
  return runs[0] ?? [];
}

/** True when `a` and `b` differ by one insertion, deletion, substitution or adjacent swap. */
export function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  if (a.length > b.length) [a, b] = [b, a];
  if (b.length - a.length > 1) return false;
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  if (a.length === b.length) {
    // One substitution, or two neighbours swapped.
    if (a.slice(i + 1) === b.slice(i + 1)) return true;
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
  }
  return a.slice(i) === b.slice(i + 1);
}

/** Index of the first posting of `doc` in a sorted list, or -1 (binary search over pairs). */
export function findDoc(list: Postings, doc: number): number {
  let lo = 0;
  let hi = list.length / 2 - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const at = Math.floor(list[mid * 2]! / fieldCount);
    if (at < doc) lo = mid + 1;
    else if (at > doc) hi = mid - 1;
    else {
      // Several fields of one document sit side by side: return the first.
      let first = mid;
      while (first > 0 && Math.floor(list[(first - 1) * 2]! / fieldCount) === doc) first--;
      return first * 2;
    }
  }
  return -1;
}
