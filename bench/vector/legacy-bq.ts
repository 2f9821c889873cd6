// The first bq-int8 (before issue 10), kept in the bench only as the "before" of the lever table:
// sign-bit (binary-quantized) prefilter, then exact int8 rescoring. Each
// vector keeps its int8 values with a scale (388 bytes at 384 dims) and its sign bits (48 bytes).
// A search compares the query's sign bits with the first 128 bits of every vector (Hamming
// distance: XOR + popcount, far cheaper than a dot product in JS), the closest few percent on all
// 384 bits, and ranks the closest couple of hundred by int8 cosine. No training, no graph: adds
// and removes are O(1), so the index is always exactly its vectors. Measured in bench/README.md.
import type { VectorHit, VectorIndex } from '../../src/lib/search/vector-index';
import { packSections } from '../../src/lib/search/index-bytes';
import { Int8Block } from '../../src/lib/search/int8-block';
import { quantizeInt8 } from '../../src/lib/search/quantize';
import { TopK } from '../../src/lib/search/top-k';

export const legacyKind = 'bq-int8 v1';

/** Stage 1 compares this many 32-bit words of each code (the rest only for its survivors). */
const headWords = 4;

/** Search knobs (the bench sweeps them; the defaults reach recall@10 ≥ 0.95 on clustered data). */
export const bqTuning = {
  /** Share of all vectors that stage 1 lets through to stage 2. */
  keepShare: 0.03,
  /** Candidates rescored with int8 per search: `max(minRescore, k × rescorePerHit)`. */
  minRescore: 200,
  rescorePerHit: 20,
};

function popcount(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/** Sign bits of `count` vectors in `source` from element `offset`, written to `out` at `at`. */
function signBits(
  source: Int8Array | Float32Array,
  offset: number,
  d: number,
  out: Uint32Array,
  at: number,
) {
  for (let w = 0; w < d / 32; w++) {
    let bits = 0;
    for (let b = 0; b < 32; b++) if (source[offset + w * 32 + b]! > 0) bits |= 1 << b;
    out[at + w] = bits;
  }
}

export class LegacyBqIndex implements VectorIndex {
  readonly kind = legacyKind;
  readonly #words: number;
  #block: Int8Block;
  /** Sign bits, the first `headWords` words of each vector apart from the rest (stage 1 reads only those). */
  #head: Uint32Array;
  #tail: Uint32Array;
  readonly #headWords: number;
  readonly #tailWords: number;
  #slots = new Map<number, number>();
  /** Reused between searches: one Hamming distance per vector. */
  #distances = new Uint16Array(0);

  constructor(
    readonly dimensions: number,
    block?: Int8Block,
    saved?: { head: Uint32Array; tail: Uint32Array },
  ) {
    if (dimensions % 32 !== 0) throw new RangeError('dimensions must be a multiple of 32');
    this.#words = dimensions / 32;
    this.#headWords = Math.min(headWords, this.#words);
    this.#tailWords = this.#words - this.#headWords;
    this.#block = block ?? new Int8Block(dimensions);
    const size = this.#block.size;
    const savedFits =
      saved?.head.length === size * this.#headWords && saved.tail.length === size * this.#tailWords;
    this.#head = savedFits ? saved.head : new Uint32Array(0);
    this.#tail = savedFits ? saved.tail : new Uint32Array(0);
    this.#fitBits();
    for (let at = 0; at < size; at++) {
      this.#slots.set(this.#block.labels[at]!, at);
      if (!savedFits) this.#setBits(this.#block.q, at * dimensions, at);
    }
  }

  /** Grows the bit arrays to the int8 block's capacity. */
  #fitBits(): void {
    const capacity = this.#block.labels.length;
    if (this.#head.length >= capacity * this.#headWords) return;
    const head = new Uint32Array(capacity * this.#headWords);
    head.set(this.#head);
    const tail = new Uint32Array(capacity * this.#tailWords);
    tail.set(this.#tail);
    this.#head = head;
    this.#tail = tail;
  }

  #setBits(source: Int8Array, offset: number, at: number): void {
    const [hw, tw] = [this.#headWords, this.#tailWords];
    for (let w = 0; w < this.#words; w++) {
      let bits = 0;
      const base = offset + w * 32;
      for (let b = 0; b < 32; b++) if (source[base + b]! > 0) bits |= 1 << b;
      if (w < hw) this.#head[at * hw + w] = bits;
      else this.#tail[at * tw + w - hw] = bits;
    }
  }

  get size(): number {
    return this.#block.size;
  }

  add(labels: Uint32Array, vectors: Float32Array): void {
    const d = this.dimensions;
    if (vectors.length !== labels.length * d)
      throw new RangeError('vectors.length ≠ labels × dims');
    const { q, scales } = quantizeInt8(vectors, d);
    for (let i = 0; i < labels.length; i++) {
      let at = this.#slots.get(labels[i]!);
      if (at === undefined) {
        at = this.#block.push(labels[i]!, q, i * d, scales[i]!);
        this.#slots.set(labels[i]!, at);
      } else this.#block.write(at, q, i * d, scales[i]!);
      this.#fitBits();
      this.#setBits(q, i * d, at);
    }
  }

  remove(labels: ArrayLike<number>): void {
    const [hw, tw] = [this.#headWords, this.#tailWords];
    for (let i = 0; i < labels.length; i++) {
      const at = this.#slots.get(labels[i]!);
      if (at === undefined) continue;
      this.#slots.delete(labels[i]!);
      const last = this.#block.size - 1;
      const moved = this.#block.removeAt(at);
      if (moved < 0) continue;
      this.#slots.set(moved, at);
      this.#head.copyWithin(at * hw, last * hw, (last + 1) * hw);
      this.#tail.copyWithin(at * tw, last * tw, (last + 1) * tw);
    }
  }

  has(label: number): boolean {
    return this.#slots.has(label);
  }

  labels(): Uint32Array {
    return this.#block.labels.slice(0, this.#block.size);
  }

  search(query: Float32Array, k: number): VectorHit[] {
    const n = this.size;
    if (k < 1 || n === 0) return [];
    const rescore = Math.max(bqTuning.minRescore, k * bqTuning.rescorePerHit);
    const top = new TopK(Math.min(k, n));
    if (n <= rescore) {
      this.#block.scan(query, top);
      return top.hits();
    }
    const queryBits = new Uint32Array(this.#words);
    signBits(query, 0, this.dimensions, queryBits, 0);
    const want = Math.max(rescore, Math.ceil(n * bqTuning.keepShare));
    // Stage 1: the head words of every vector; the closest share goes on.
    const survivors = this.#closest(
      queryBits.subarray(0, this.#headWords),
      this.#head,
      undefined,
      want,
    );
    // Stage 2: the rest of the survivors' codes; the closest `rescore` get an int8 score.
    const finalists = this.#closest(
      queryBits.subarray(this.#headWords),
      this.#tail,
      survivors,
      rescore,
    );
    this.#block.scan(query, top, finalists);
    return top.hits();
  }

  /**
   * Positions (among `among`, or all) whose Hamming distance to `queryBits` in `bits` — plus their
   * stage-1 distance when `among` is given — is within the smallest cutoff admitting `want`.
   */
  #closest(
    queryBits: Uint32Array,
    bits: Uint32Array,
    among: Uint32Array | undefined,
    want: number,
  ) {
    const words = queryBits.length;
    const count = among ? among.length : this.size;
    if (this.#distances.length < this.#block.labels.length)
      this.#distances = new Uint16Array(this.#block.labels.length);
    const distances = this.#distances;
    const histogram = new Uint32Array(this.dimensions + 1);
    for (let i = 0; i < count; i++) {
      const at = among ? among[i]! : i;
      const base = at * words;
      let distance = among ? distances[at]! : 0;
      for (let w = 0; w < words; w++) distance += popcount(queryBits[w]! ^ bits[base + w]!);
      distances[at] = distance;
      histogram[distance]!++;
    }
    let cutoff = 0;
    for (let seen = 0; cutoff < histogram.length; cutoff++)
      if ((seen += histogram[cutoff]!) >= want) break;
    let kept = 0;
    for (let c = 0; c <= cutoff && c < histogram.length; c++) kept += histogram[c]!;
    const out = new Uint32Array(kept);
    for (let i = 0, o = 0; i < count; i++) {
      const at = among ? among[i]! : i;
      if (distances[at]! <= cutoff) out[o++] = at;
    }
    return out;
  }

  serialize(): Uint8Array[] {
    const size = this.size;
    return packSections(
      this.kind,
      { dimensions: this.dimensions },
      {
        ...this.#block.live(),
        // Saved rather than recomputed on restore: 48 bytes a vector buys a restore ~3× faster.
        head: this.#head.subarray(0, size * this.#headWords),
        tail: this.#tail.subarray(0, size * this.#tailWords),
      },
    );
  }

  dispose(): void {
    this.#slots.clear();
    this.#block = new Int8Block(this.dimensions);
    this.#head = new Uint32Array(0);
    this.#tail = new Uint32Array(0);
    this.#distances = new Uint16Array(0);
  }
}
