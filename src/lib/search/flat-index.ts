// Exact search over float vectors: one dot product per stored vector, the k best kept as it goes.
// The baseline every other index is measured against (1,536 bytes per 384-dim vector).
import type { VectorHit, VectorIndex, VectorIndexFactory } from './vector-index';
import { packSections, settle, unpackSections } from './index-bytes';
import { TopK, positionsOf } from './top-k';

export const flatF32Kind = 'flat-f32';

export class FlatF32Index implements VectorIndex {
  readonly kind = flatF32Kind;
  #vectors: Float32Array;
  #labels: Uint32Array;
  #slots = new Map<number, number>();
  #size = 0;

  constructor(
    readonly dimensions: number,
    initial?: { labels: Uint32Array; vectors: Float32Array },
  ) {
    // The scan is unrolled by four; every embedding size in use (384, 512, 768, 1024) fits.
    if (dimensions % 4 !== 0) throw new RangeError('dimensions must be a multiple of 4');
    this.#labels = new Uint32Array(initial?.labels.length ?? 0);
    this.#vectors = new Float32Array(this.#labels.length * dimensions);
    if (initial) this.add(initial.labels, initial.vectors);
  }

  get size(): number {
    return this.#size;
  }

  #grow(needed: number): void {
    if (needed <= this.#labels.length) return;
    const capacity = Math.max(needed, Math.ceil(this.#labels.length * 1.5), 256);
    const labels = new Uint32Array(capacity);
    labels.set(this.#labels.subarray(0, this.#size));
    const vectors = new Float32Array(capacity * this.dimensions);
    vectors.set(this.#vectors.subarray(0, this.#size * this.dimensions));
    this.#labels = labels;
    this.#vectors = vectors;
  }

  add(labels: Uint32Array, vectors: Float32Array): void {
    const d = this.dimensions;
    if (vectors.length !== labels.length * d)
      throw new RangeError('vectors.length ≠ labels × dims');
    this.#grow(this.#size + labels.length);
    for (let i = 0; i < labels.length; i++) {
      const label = labels[i]!;
      let slot = this.#slots.get(label);
      if (slot === undefined) {
        slot = this.#size++;
        this.#slots.set(label, slot);
        this.#labels[slot] = label;
      }
      this.#vectors.set(vectors.subarray(i * d, (i + 1) * d), slot * d);
    }
  }

  remove(labels: ArrayLike<number>): void {
    const d = this.dimensions;
    for (let i = 0; i < labels.length; i++) {
      const slot = this.#slots.get(labels[i]!);
      if (slot === undefined) continue;
      this.#slots.delete(labels[i]!);
      const last = --this.#size;
      if (slot !== last) {
        const moved = this.#labels[last]!;
        this.#labels[slot] = moved;
        this.#slots.set(moved, slot);
        this.#vectors.copyWithin(slot * d, last * d, (last + 1) * d);
      }
    }
  }

  has(label: number): boolean {
    return this.#slots.has(label);
  }

  labels(): Uint32Array {
    return this.#labels.slice(0, this.#size);
  }

  search(query: Float32Array, k: number, allowed?: ArrayLike<number>): VectorHit[] {
    const positions = allowed ? positionsOf(this.#slots, allowed) : undefined;
    const count = positions ? positions.length : this.#size;
    if (k < 1 || count === 0) return [];
    const d = this.dimensions;
    const v = this.#vectors;
    const top = new TopK(Math.min(k, count));
    for (let c = 0; c < count; c++) {
      const slot = positions ? positions[c]! : c;
      const base = slot * d;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let i = 0; i < d; i += 4) {
        s0 += query[i]! * v[base + i]!;
        s1 += query[i + 1]! * v[base + i + 1]!;
        s2 += query[i + 2]! * v[base + i + 2]!;
        s3 += query[i + 3]! * v[base + i + 3]!;
      }
      top.push(this.#labels[slot]!, s0 + s1 + s2 + s3);
    }
    return top.hits();
  }

  /** The vectors of `labels` (all present), back to back in the same order. */
  vectorsOf(labels: ArrayLike<number>): Float32Array {
    const d = this.dimensions;
    const out = new Float32Array(labels.length * d);
    for (let i = 0; i < labels.length; i++) {
      const slot = this.#slots.get(labels[i]!);
      if (slot === undefined) throw new RangeError(`label ${labels[i]} is not in the index`);
      out.set(this.#vectors.subarray(slot * d, (slot + 1) * d), i * d);
    }
    return out;
  }

  /** Exact scores of `query` against the given labels (absent ones are skipped). */
  scoresOf(query: Float32Array, labels: ArrayLike<number>): VectorHit[] {
    const d = this.dimensions;
    const hits: VectorHit[] = [];
    for (let i = 0; i < labels.length; i++) {
      const slot = this.#slots.get(labels[i]!);
      if (slot === undefined) continue;
      let score = 0;
      for (let j = 0; j < d; j++) score += query[j]! * this.#vectors[slot * d + j]!;
      hits.push({ label: labels[i]!, score });
    }
    return hits;
  }

  serialize(): Uint8Array[] {
    return packSections(
      this.kind,
      { dimensions: this.dimensions },
      {
        labels: this.#labels.subarray(0, this.#size),
        vectors: this.#vectors.subarray(0, this.#size * this.dimensions),
      },
    );
  }

  dispose(): void {
    this.#slots.clear();
    this.#size = 0;
  }
}

export const flatF32Factory: VectorIndexFactory = {
  kind: flatF32Kind,
  create: (dimensions) => Promise.resolve(new FlatF32Index(dimensions)),
  restore: (parts, dimensions) =>
    settle(() => {
      const { sections } = unpackSections(parts, flatF32Kind);
      const labels = sections.labels as Uint32Array;
      const vectors = sections.vectors as Float32Array;
      return new FlatF32Index(dimensions, { labels, vectors });
    }),
};
