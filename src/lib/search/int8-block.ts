// A growable run of int8 vectors with one scale and one label each, scanned as one contiguous
// block: the storage of the int8 flat index and of bq-int8's rescoring (and the exact truth of its
// recall check).
import { IndexSnapshotError } from './index-bytes';
import type { TopK } from './top-k';

export class Int8Block {
  q: Int8Array;
  scales: Float32Array;
  labels: Uint32Array;
  size = 0;

  constructor(
    readonly dimensions: number,
    capacity = 0,
  ) {
    this.q = new Int8Array(capacity * dimensions);
    this.scales = new Float32Array(capacity);
    this.labels = new Uint32Array(capacity);
  }

  /** A block over restored `labels`, `scales` and `q` sections (views: copied on first growth). */
  static fromSections(dimensions: number, sections: Record<string, ArrayBufferView>): Int8Block {
    const { labels, scales, q } = sections;
    if (!(
      labels instanceof Uint32Array &&
      scales instanceof Float32Array &&
      q instanceof Int8Array
    ))
      throw new IndexSnapshotError('int8 sections missing');
    if (scales.length !== labels.length || q.length !== labels.length * dimensions)
      throw new IndexSnapshotError('int8 sections disagree');
    const block = new Int8Block(dimensions);
    Object.assign(block, { labels, scales, q, size: labels.length });
    return block;
  }

  #grow(): void {
    const capacity = Math.max(16, Math.ceil(this.labels.length * 1.5));
    const q = new Int8Array(capacity * this.dimensions);
    q.set(this.q.subarray(0, this.size * this.dimensions));
    const scales = new Float32Array(capacity);
    scales.set(this.scales.subarray(0, this.size));
    const labels = new Uint32Array(capacity);
    labels.set(this.labels.subarray(0, this.size));
    Object.assign(this, { q, scales, labels });
  }

  /** Appends a vector from `source` at element `offset`; returns its position. */
  push(label: number, source: Int8Array, offset: number, scale: number): number {
    if (this.size === this.labels.length) this.#grow();
    const at = this.size++;
    this.labels[at] = label;
    this.scales[at] = scale;
    this.q.set(source.subarray(offset, offset + this.dimensions), at * this.dimensions);
    return at;
  }

  /** Overwrites the vector at `at` in place. */
  write(at: number, source: Int8Array, offset: number, scale: number): void {
    this.scales[at] = scale;
    this.q.set(source.subarray(offset, offset + this.dimensions), at * this.dimensions);
  }

  /** Removes position `at` by moving the last vector into it; returns that vector's label, or −1. */
  removeAt(at: number): number {
    const last = --this.size;
    if (at === last) return -1;
    const d = this.dimensions;
    this.labels[at] = this.labels[last]!;
    this.scales[at] = this.scales[last]!;
    this.q.copyWithin(at * d, last * d, (last + 1) * d);
    return this.labels[at];
  }

  /** The approximate cosine of `query` and the vector at `at`. */
  score(query: Float32Array, at: number): number {
    const d = this.dimensions;
    const q = this.q;
    const base = at * d;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let i = 0; i < d; i += 4) {
      s0 += query[i]! * q[base + i]!;
      s1 += query[i + 1]! * q[base + i + 1]!;
      s2 += query[i + 2]! * q[base + i + 2]!;
      s3 += query[i + 3]! * q[base + i + 3]!;
    }
    return (s0 + s1 + s2 + s3) * this.scales[at]!;
  }

  /** Offers every vector's approximate cosine to `top`, or only those at `positions`. */
  scan(query: Float32Array, top: TopK, positions?: ArrayLike<number>): void {
    if (positions) {
      for (let i = 0; i < positions.length; i++) {
        const at = positions[i]!;
        top.push(this.labels[at]!, this.score(query, at));
      }
      return;
    }
    for (let at = 0; at < this.size; at++) top.push(this.labels[at]!, this.score(query, at));
  }

  /** The vector at `at` as floats (int8 × scale). */
  vector(at: number): Float32Array {
    const d = this.dimensions;
    const out = new Float32Array(d);
    const scale = this.scales[at]!;
    for (let i = 0; i < d; i++) out[i] = this.q[at * d + i]! * scale;
    return out;
  }

  /** The live part of each array (views, not copies). */
  live() {
    return {
      labels: this.labels.subarray(0, this.size),
      scales: this.scales.subarray(0, this.size),
      q: this.q.subarray(0, this.size * this.dimensions),
    };
  }
}
