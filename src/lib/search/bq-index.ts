// The default index: centred sign bits estimate every candidate's cosine, the best few are ranked
// by int8 cosine, and a self-check sets how many "few" is. Each vector keeps its int8 values with a
// scale (388 bytes at 384 dims) and its sign code with two estimator numbers (56 bytes).
//
// A search builds lookup tables from the query (sign-codes.ts), estimates the first half of every
// candidate's code (one table lookup per 8 dimensions), keeps the best share, completes their
// estimates, and rescores the best `pool` exactly in int8. How wide each step is comes from
// search-levels.ts; the recall check (recall-check.ts) measures recall on a sample of stored
// vectors against an exact scan and picks the cheapest level that reaches its goal. No training,
// no graph: adds and removes are O(1). Measured in bench/README.md.
import type { VectorHit, VectorIndex, VectorIndexFactory } from './vector-index';
import { IndexSnapshotError, packSections, settle, unpackSections } from './index-bytes';
import { Int8Block } from './int8-block';
import { SignCodes, sumWords } from './sign-codes';
import { RecallCheck, type CheckTarget } from './recall-check';
import type { RecallReport } from './recall-report';
import { exactBelow, keepFor, poolFor, searchLevels } from './search-levels';
import { selectTop } from './select-top';
import { quantizeInt8 } from './quantize';
import { TopK, positionsOf } from './top-k';

export const bqInt8Kind = 'bq-int8';
/** Version 1 (Hamming distance over uncentred bits) is rebuilt from the stored vectors. */
const formatVersion = 2;

export interface BqOptions {
  /** Centre the codes on the running mean (default); off only to measure what centring buys. */
  centre?: boolean;
  /** Reduce the query to sign bits too (Hamming distance); for the bench's comparison only. */
  signQuery?: boolean;
}

export class BqInt8Index implements VectorIndex, CheckTarget {
  readonly kind = bqInt8Kind;
  #block: Int8Block;
  #codes: SignCodes;
  #slots = new Map<number, number>();
  /** Sum of every stored vector, for the running mean the codes are centred on. */
  #sums: Float64Array;
  #check: RecallCheck;
  #options: BqOptions;
  /** Reused between searches: tables and per-candidate estimates. */
  #tables: Float32Array;
  #estimates = new Float32Array(0);
  /** Set by the recall check; searches use it. */
  level = 0;

  constructor(
    readonly dimensions: number,
    options: BqOptions = {},
    saved?: {
      block: Int8Block;
      codes: SignCodes;
      sums: Float64Array;
      check: RecallCheck;
      level: number;
    },
  ) {
    if (dimensions % 32 !== 0) throw new RangeError('dimensions must be a multiple of 32');
    this.#options = options;
    this.#block = saved?.block ?? new Int8Block(dimensions);
    this.#codes = saved?.codes ?? new SignCodes(dimensions);
    this.#sums = saved?.sums ?? new Float64Array(dimensions);
    this.#check = saved?.check ?? new RecallCheck();
    this.level = saved?.level ?? 0;
    this.#tables = new Float32Array((dimensions / 8) * 256);
    for (let at = 0; at < this.#block.size; at++) this.#slots.set(this.#block.labels[at]!, at);
  }

  get size(): number {
    return this.#block.size;
  }

  get recall(): RecallReport | null {
    return this.#check.report;
  }

  #addToSums(at: number, sign: 1 | -1): void {
    const { q, scales, dimensions: d } = this.#block;
    const scale = scales[at]! * sign;
    for (let i = 0; i < d; i++) this.#sums[i]! += q[at * d + i]! * scale;
  }

  add(labels: Uint32Array, vectors: Float32Array): void {
    const d = this.dimensions;
    if (vectors.length !== labels.length * d)
      throw new RangeError('vectors.length ≠ labels × dims');
    const { q, scales } = quantizeInt8(vectors, d);
    for (let i = 0; i < labels.length; i++) {
      const label = labels[i]!;
      let at = this.#slots.get(label);
      const replaced = at !== undefined;
      if (at === undefined) {
        at = this.#block.push(label, q, i * d, scales[i]!);
        this.#slots.set(label, at);
      } else {
        this.#addToSums(at, -1);
        this.#block.write(at, q, i * d, scales[i]!);
      }
      this.#addToSums(at, 1);
      this.#codes.grow(this.#block.labels.length, this.size);
      this.#codes.encode(at, q, i * d, scales[i]!);
      this.#check.added(label, replaced);
    }
  }

  remove(labels: ArrayLike<number>): void {
    for (let i = 0; i < labels.length; i++) {
      const at = this.#slots.get(labels[i]!);
      if (at === undefined) continue;
      this.#addToSums(at, -1);
      this.#slots.delete(labels[i]!);
      const last = this.#block.size - 1;
      const moved = this.#block.removeAt(at);
      if (moved >= 0) {
        this.#slots.set(moved, at);
        this.#codes.move(last, at);
      }
      this.#check.removed(labels[i]!);
    }
  }

  has(label: number): boolean {
    return this.#slots.has(label);
  }

  labels(): Uint32Array {
    return this.#block.labels.slice(0, this.#block.size);
  }

  search(query: Float32Array, k: number, allowed?: ArrayLike<number>): VectorHit[] {
    return this.searchAt(query, k, this.level, allowed);
  }

  /** A search at a given width (the recall check and the bench compare levels with it). */
  searchAt(query: Float32Array, k: number, levelIndex: number, allowed?: ArrayLike<number>) {
    const positions = allowed ? positionsOf(this.#slots, allowed) : undefined;
    const count = positions ? positions.length : this.size;
    if (k < 1 || count === 0) return [];
    const top = new TopK(Math.min(k, count));
    const level = searchLevels[Math.min(levelIndex, searchLevels.length - 1)]!;
    const pool = poolFor(level, k);
    if (count < exactBelow || pool >= count) {
      this.#block.scan(query, top, positions);
      return top.hits();
    }
    const tables = this.#codes.tables(query, this.#options.signQuery, this.#tables);
    const keep = keepFor(level, k, count);
    const survivors = keep < count ? this.#headStage(tables, positions, count, keep) : undefined;
    const finalists = this.#fullStage(tables, positions, survivors, count, pool);
    this.#block.scan(query, top, finalists);
    return top.hits();
  }

  #scratch(count: number): Float32Array {
    if (this.#estimates.length < count)
      this.#estimates = new Float32Array(Math.max(count, this.#block.labels.length));
    return this.#estimates;
  }

  /**
   * Estimates from the first words of each code; returns candidate indexes of the best `keep`.
   * Two loops rather than one with a branch per candidate: measured twice as fast in V8.
   */
  #headStage(
    tables: Float32Array,
    positions: Uint32Array | undefined,
    count: number,
    keep: number,
  ) {
    const estimates = this.#scratch(count);
    const { head, headWords, words, factor, bias } = this.#codes;
    const stretch = words / headWords;
    let min = Infinity;
    let max = -Infinity;
    if (positions)
      for (let c = 0; c < count; c++) {
        const at = positions[c]!;
        const sum = sumWords(tables, head, at * headWords, headWords, 0);
        const e = (estimates[c] = sum * stretch * factor[at]! + bias[at]!);
        if (e < min) min = e;
        if (e > max) max = e;
      }
    else
      for (let at = 0, base = 0; at < count; at++, base += headWords) {
        const sum = sumWords(tables, head, base, headWords, 0);
        const e = (estimates[at] = sum * stretch * factor[at]! + bias[at]!);
        if (e < min) min = e;
        if (e > max) max = e;
      }
    return selectTop(estimates, count, keep, Math.fround(min), Math.fround(max));
  }

  /** Full estimates of `survivors` (or of every candidate); positions of the best `pool`. */
  #fullStage(
    tables: Float32Array,
    positions: Uint32Array | undefined,
    survivors: Uint32Array | undefined,
    count: number,
    pool: number,
  ): Uint32Array {
    const estimates = this.#scratch(count);
    const { head, tail, headWords, tailWords, factor, bias } = this.#codes;
    const tailByte = headWords * 4;
    const n = survivors ? survivors.length : count;
    const candidates = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      const c = survivors ? survivors[i]! : i;
      const at = positions ? positions[c]! : c;
      candidates[i] = at;
      const sum =
        sumWords(tables, head, at * headWords, headWords, 0) +
        sumWords(tables, tail, at * tailWords, tailWords, tailByte);
      estimates[i] = sum * factor[at]! + bias[at]!;
    }
    const best = selectTop(estimates, n, pool);
    for (let i = 0; i < best.length; i++) best[i] = candidates[best[i]!]!;
    return best;
  }

  // The recall check's view of the index (CheckTarget).

  labelAt(position: number): number {
    return this.#block.labels[position]!;
  }

  vectorOf(label: number): Float32Array {
    return this.#block.vector(this.#slots.get(label)!);
  }

  scoreAll(query: Float32Array, top: TopK): void {
    this.#block.scan(query, top);
  }

  scoreLabels(query: Float32Array, labels: ArrayLike<number>, top: TopK): void {
    for (let i = 0; i < labels.length; i++) {
      const at = this.#slots.get(labels[i]!);
      if (at !== undefined) top.push(labels[i]!, this.#block.score(query, at));
    }
  }

  /**
   * Re-encodes every code against the current mean when it has moved by more than 1 % of the
   * vectors' spread around it. Returns whether it did.
   */
  recentre(): boolean {
    const n = this.size;
    if (n === 0 || this.#options.centre === false) return false;
    const d = this.dimensions;
    const mean = new Float32Array(d);
    let meanNorm = 0;
    let drift = 0;
    for (let i = 0; i < d; i++) {
      mean[i] = this.#sums[i]! / n;
      meanNorm += mean[i]! ** 2;
      drift += (mean[i]! - this.#codes.centre[i]!) ** 2;
    }
    // Unit vectors: the mean squared distance to the mean is 1 − ‖mean‖².
    if (drift <= 0.01 * Math.max(1e-6, 1 - meanNorm)) return false;
    this.#codes.centre = mean;
    const { q, scales } = this.#block;
    for (let at = 0; at < n; at++) this.#codes.encode(at, q, at * d, scales[at]!);
    return true;
  }

  checkDue(): boolean {
    return this.#check.due(this.size);
  }

  noteQuery(query: Float32Array): void {
    if (query.length === this.dimensions) this.#check.noteQuery(query);
  }

  /** Measures recall on the sample, re-centring first; sets `level` to the cheapest that passes. */
  async checkRecall(pause: () => Promise<void>): Promise<RecallReport> {
    this.recentre();
    const report = await this.#check.run(this, pause);
    this.level = report.level;
    return report;
  }

  serialize(): Uint8Array[] {
    const size = this.size;
    const check = this.#check.toSections(this);
    return packSections(
      this.kind,
      {
        dimensions: this.dimensions,
        version: formatVersion,
        level: this.level,
        check: check.meta,
      },
      {
        ...this.#block.live(),
        head: this.#codes.head.subarray(0, size * this.#codes.headWords),
        tail: this.#codes.tail.subarray(0, size * this.#codes.tailWords),
        factor: this.#codes.factor.subarray(0, size),
        bias: this.#codes.bias.subarray(0, size),
        centre: this.#codes.centre,
        sums: this.#sums,
        ...check.sections,
      },
    );
  }

  dispose(): void {
    this.#slots.clear();
    this.#block = new Int8Block(this.dimensions);
    this.#codes = new SignCodes(this.dimensions);
    this.#check.dispose();
    this.#estimates = new Float32Array(0);
  }
}

function restoreBq(parts: Uint8Array[], dimensions: number): BqInt8Index {
  const { meta, sections } = unpackSections(parts, bqInt8Kind);
  if (meta.version !== formatVersion) throw new IndexSnapshotError('an older format');
  const block = Int8Block.fromSections(dimensions, sections);
  const { head, tail, factor, bias, centre, sums } = sections;
  const n = block.size;
  const signCodes = new SignCodes(dimensions);
  if (
    !(head instanceof Uint32Array && head.length === n * signCodes.headWords) ||
    !(tail instanceof Uint32Array && tail.length === n * signCodes.tailWords) ||
    !(factor instanceof Float32Array && factor.length === n) ||
    !(bias instanceof Float32Array && bias.length === n) ||
    !(centre instanceof Float32Array && centre.length === dimensions) ||
    !(sums instanceof Float64Array && sums.length === dimensions)
  )
    throw new IndexSnapshotError('code sections missing');
  Object.assign(signCodes, { head, tail, factor, bias, centre });
  const check = RecallCheck.fromSections(meta.check, sections);
  const level = typeof meta.level === 'number' ? meta.level : 0;
  return new BqInt8Index(dimensions, {}, { block, codes: signCodes, sums, check, level });
}

export const bqInt8Factory: VectorIndexFactory = {
  kind: bqInt8Kind,
  create: (dimensions) => Promise.resolve(new BqInt8Index(dimensions)),
  restore: (parts, dimensions) => settle(() => restoreBq(parts, dimensions)),
};
