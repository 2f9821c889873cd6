// The keyword index: BM25+ over title, tags, path and body with Hearth's tokenizer. Every query
// word must match; the last one also as a prefix (the user is still typing it), and a longer
// Latin-script word that finds few notes also one edit away (a typo). Only the small fields
// results and filters need are kept with the postings; snippets take texts from body-cache.ts.
//
// It replaced MiniSearch, whose radix tree scans every child of a node: see term-table.ts for the
// measurements. Scoring follows MiniSearch's (BM25+ k 1.2, b 0.7, d 0.5, field boosts, prefix and
// fuzzy weights), so ranking stayed as it was.
import type { Note, NoteKind, SearchFilters } from '../types';
import type { KeywordIndexData, StoredKeywordDoc } from '../db/search-source';
import { isCjk, tokenizeQuery } from './tokenizer';
import { matchesNoteFilters } from './note-filters';
import { TermTable, fieldCount, findDoc, type Postings } from './term-table';
import { TermBase, type PartReader } from './term-base';
import { IndexJob, type DocRecord } from './index-job';
import { encodeIndex, packIndex, unpackIndex, type PackedIndex, type Pause } from './keyword-codec';

export type IndexableNote = Pick<Note, 'id' | 'title' | 'tags' | 'path' | 'kind' | 'date'> & {
  content: string;
};

export interface KeywordMatch {
  id: string;
  score: number;
  title: string;
  path: string;
  kind: NoteKind;
  date: string;
  tags: string[];
  /** Indexed terms that matched (after prefix and fuzzy expansion), for highlighting. */
  terms: string[];
}

export interface KeywordResults {
  /** The best `limit` matches, best first. */
  matches: KeywordMatch[];
  /** Every note that matched. */
  total: number;
}

/** Title, tags, path, body. */
const fieldBoosts = [3, 2, 1.5, 1];
const bm25 = { k: 1.2, b: 0.7, d: 0.5 };
const prefixWeight = 0.375;
const fuzzyWeight = 0.45;
/** Fuzzy matching only for longer Latin terms: short words and CJK bigrams would match noise. */
const minFuzzyLength = 5;
/** A word already found in this many notes as typed is not also looked up with typos. */
const fuzzyBelowNotes = 5;
/**
 * A prefix expands to at most this many terms (the most frequent ones): one or two letters
 * begin thousands of terms in a large vocabulary, and a short prefix is rarely what was meant.
 */
const maxPrefixTerms = (prefix: string) => (prefix.length <= 2 ? 48 : 256);
const maxQueryTerms = 32;

interface Expansion {
  term: string;
  list: Postings;
  weight: number;
}

export class KeywordIndex {
  #table = new TermTable();
  #docs: (DocRecord | undefined)[] = [];
  #numById = new Map<string, number>();
  #fieldTotals = new Array<number>(fieldCount).fill(0);
  /** Postings of removed documents still in the table, dropped by `compact`. */
  #deadPostings = 0;
  #livePostings = 0;

  static create(): KeywordIndex {
    return new KeywordIndex();
  }

  /**
   * Restores an index written by `serialize`, searchable at once: its postings parts are read
   * through `parts` (an array when they are in memory already) as searches need them, or all at
   * once by `loadAll`. Throws `SnapshotFormatError` when the stored arrays do not fit together.
   */
  static restore(data: KeywordIndexData, parts: Uint8Array[] | PartReader): KeywordIndex {
    const index = new KeywordIndex();
    const { docs, packed } = unpackIndex(data);
    index.#adopt(docs, new TermBase(packed, docs.length * fieldCount, parts));
    return index;
  }

  /**
   * A compact copy without removed notes, its postings in parts of about `maxPartBytes`. The
   * index must not change until it resolves.
   */
  async serialize(pause?: Pause, maxPartBytes?: number): Promise<PackedIndex> {
    await this.loadAll();
    return packIndex(await encodeIndex(this.#docs, this.#table, pause), pause, maxPartBytes);
  }

  /** Reads every postings part a restore left to read later. */
  async loadAll(): Promise<void> {
    await this.#table.base.loadAll();
  }

  /** True when no postings part waits to be read. */
  get complete(): boolean {
    return this.#table.base.complete;
  }

  #adopt(docs: StoredKeywordDoc[], base: TermBase): void {
    this.clear();
    this.#table = new TermTable(base);
    docs.forEach((doc, num) => this.#commitRecord(doc, num));
    this.#livePostings = base.totalPairs;
  }

  get documentCount(): number {
    return this.#numById.size;
  }

  has(id: string): boolean {
    return this.#numById.has(id);
  }

  ids(): string[] {
    return [...this.#numById.keys()];
  }

  /** The tags `id` was indexed with (undefined when it is not indexed). */
  tagsOf(id: string): readonly string[] | undefined {
    const num = this.#numById.get(id);
    return num === undefined ? undefined : this.#docs[num]?.tags;
  }

  /** Tags of the indexed notes, each once, sorted for people. */
  tags(): string[] {
    const out = new Set<string>();
    for (const doc of this.#docs) for (const tag of doc?.tags ?? []) out.add(tag);
    return [...out].sort((a, b) => a.localeCompare(b));
  }

  /** Folders holding notes, each with all its ancestors, sorted. */
  folders(): string[] {
    const out = new Set<string>();
    for (const doc of this.#docs) {
      if (!doc) continue;
      for (let at = doc.path.indexOf('/'); at > 0; at = doc.path.indexOf('/', at + 1))
        out.add(doc.path.slice(0, at));
    }
    return [...out].sort();
  }

  /**
   * A job that indexes `note` in steps (`step(deadlineMs)` until it returns true), so a huge note
   * never blocks searches for long. The previous version stays searchable until the last step.
   */
  begin(note: IndexableNote): IndexJob {
    // A number of its own from the start: its postings are skipped until the record is set.
    const num = this.#docs.length;
    this.#docs.length = num + 1;
    return new IndexJob(note, {
      add: (term, field, frequency) => this.#table.add(term, num * fieldCount + field, frequency),
      commit: (record) => this.#commit(record, num),
    });
  }

  /** Adds or replaces notes in one go. */
  upsert(notes: IndexableNote[]): void {
    for (const note of notes) this.begin(note).step(Infinity);
  }

  remove(ids: string[]): void {
    for (const id of ids) {
      const num = this.#numById.get(id);
      if (num === undefined) continue;
      const doc = this.#docs[num]!;
      this.#docs[num] = undefined;
      this.#numById.delete(id);
      doc.lengths.forEach((n, f) => (this.#fieldTotals[f]! -= n));
      const postings = doc.lengths.reduce((a, b) => a + b, 0);
      this.#livePostings -= postings;
      this.#deadPostings += postings;
    }
  }

  clear(): void {
    this.#table = new TermTable();
    this.#docs = [];
    this.#numById.clear();
    this.#fieldTotals.fill(0);
    this.#deadPostings = this.#livePostings = 0;
  }

  /** True when removed notes hold enough postings to be worth dropping. */
  get needsCompaction(): boolean {
    return this.#deadPostings > 10_000 && this.#deadPostings > this.#livePostings / 4;
  }

  /** Drops removed notes' postings (a snapshot round trip). Nothing may change it meanwhile. */
  async compact(pause?: Pause): Promise<void> {
    const { index, parts } = await this.serialize(pause);
    const { docs, packed } = unpackIndex(index);
    this.#adopt(docs, new TermBase(packed, docs.length * fieldCount, parts));
  }

  search(query: string, filters: SearchFilters = {}): KeywordMatch[] {
    return this.find(query, filters, Infinity).matches;
  }

  /**
   * `find`, having read first the postings parts it needs that a restore left unread: a term's
   * expansions (prefixes, typos) are only known from the postings of the terms before them,
   * so it asks again until nothing it looked up was missing (once or twice).
   */
  async findRead(query: string, filters: SearchFilters = {}, limit = Infinity) {
    const base = this.#table.base;
    for (;;) {
      base.takeMissing();
      const results = this.find(query, filters, limit);
      const missing = base.takeMissing();
      if (missing.length === 0) return results;
      await base.load(missing);
    }
  }

  /** The best `limit` matches of `query` and how many notes matched in all. */
  find(query: string, filters: SearchFilters = {}, limit = Infinity): KeywordResults {
    const queryTerms = tokenizeQuery(query);
    const terms = [...new Set(queryTerms)].slice(0, maxQueryTerms);
    const liveCount = this.#numById.size;
    if (terms.length === 0 || liveCount === 0) return { matches: [], total: 0 };
    const size = this.#docs.length;
    const scores = new Float64Array(size);
    /** How many query terms (in order) each document matched so far: all of them, or it is out. */
    const matched = new Uint8Array(size);
    const stamp = new Uint8Array(size);
    const expansions: Expansion[] = [];
    const lastTerm = queryTerms.at(-1);
    for (const [i, term] of terms.entries()) {
      const own = this.#expand(term, term === lastTerm);
      let notes = this.#accumulate(own, i, scores, matched, stamp);
      if (notes < fuzzyBelowNotes && term.length >= minFuzzyLength && !isCjk(term)) {
        const typos = this.#typos(term, own);
        notes += this.#accumulate(typos, i, scores, matched, stamp);
        own.push(...typos);
      }
      expansions.push(...own);
      if (notes === 0) return { matches: [], total: 0 };
    }
    const found: number[] = [];
    for (let doc = 0; doc < size; doc++) {
      if (matched[doc] !== terms.length) continue;
      if (matchesNoteFilters(this.#docs[doc]!, filters)) found.push(doc);
    }
    found.sort((a, b) => scores[b]! - scores[a]! || a - b);
    const top = found.slice(0, limit);
    return {
      matches: top.map((doc) => this.#match(doc, scores[doc]!, expansions)),
      total: found.length,
    };
  }

  /** The term itself, and for the last query word the terms it begins. */
  #expand(term: string, asPrefix: boolean): Expansion[] {
    const out: Expansion[] = [];
    const exact = this.#table.get(term);
    if (exact) out.push({ term, list: exact, weight: 1 });
    // Every CJK character is a term of its own, so a CJK prefix finds nothing more by expanding.
    if (!asPrefix || isCjk(term)) return out;
    for (const t of this.#table.withPrefix(term, maxPrefixTerms(term))) {
      const list = this.#table.get(t)!;
      const distance = t.length - term.length;
      out.push({ term: t, list, weight: (prefixWeight * t.length) / (t.length + 0.3 * distance) });
    }
    return out;
  }

  #typos(term: string, already: Expansion[]): Expansion[] {
    const seen = new Set(already.map((e) => e.term));
    return this.#table
      .near(term)
      .filter((t) => !seen.has(t))
      .map((t) => ({
        term: t,
        list: this.#table.get(t)!,
        weight: (fuzzyWeight * t.length) / (t.length + 1),
      }));
  }

  /**
   * Adds the BM25+ scores of each expansion of query term `i` and marks the documents that
   * matched every term so far; returns how many documents the term matched on its own.
   */
  #accumulate(
    expansions: Expansion[],
    i: number,
    scores: Float64Array,
    matched: Uint8Array,
    stamp: Uint8Array,
  ): number {
    const live = this.#numById.size;
    let notes = 0;
    const df = new Array<number>(fieldCount);
    for (const { list, weight } of expansions) {
      df.fill(0);
      for (let p = 0; p < list.length; p += 2) {
        if (this.#docs[Math.floor(list[p]! / fieldCount)]) df[list[p]! % fieldCount]!++;
      }
      for (let p = 0; p < list.length; p += 2) {
        const code = list[p]!;
        const doc = Math.floor(code / fieldCount);
        const record = this.#docs[doc];
        if (!record) continue;
        const field = code % fieldCount;
        const n = df[field]!;
        const idf = Math.log(1 + (live - n + 0.5) / (n + 0.5));
        const tf = list[p + 1]!;
        const norm =
          1 - bm25.b + (bm25.b * record.lengths[field]!) / (this.#fieldTotals[field]! / live || 1);
        scores[doc]! +=
          weight *
          fieldBoosts[field]! *
          idf *
          (bm25.d + (tf * (bm25.k + 1)) / (tf + bm25.k * norm));
        if (stamp[doc] === i + 1) continue;
        stamp[doc] = i + 1;
        notes++;
        if (matched[doc] === i) matched[doc] = i + 1;
      }
    }
    return notes;
  }

  #match(doc: number, score: number, expansions: Expansion[]): KeywordMatch {
    const { id, title, path, kind, date, tags } = this.#docs[doc]!;
    const terms = new Set<string>();
    for (const { term, list } of expansions)
      if (!terms.has(term) && findDoc(list, doc) >= 0) terms.add(term);
    return { id, score, title, path, kind, date, tags, terms: [...terms] };
  }

  #commit(record: DocRecord, num: number): void {
    this.remove([record.id]);
    this.#livePostings += record.lengths.reduce((a, b) => a + b, 0);
    this.#commitRecord(record, num);
  }

  #commitRecord(record: DocRecord, num: number): void {
    this.#docs[num] = record;
    this.#numById.set(record.id, num);
    record.lengths.forEach((n, f) => (this.#fieldTotals[f]! += n));
  }
}
