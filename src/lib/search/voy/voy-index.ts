// voy-search (the WASM k-d tree the design card named), behind the VectorIndex contract. Measured
// here (bench/README.md): exact, but it pads vectors to 768 dims, serializes to ~8 KB of JSON per
// vector and fails to build at 100k, so it is selectable, not the default. voy returns no scores:
// they are computed from the float vectors this adapter keeps (which it needs anyway to remove).
import * as voy from 'voy-search/voy_search_bg.js';
import wasmUrl from 'voy-search/voy_search_bg.wasm?url';
import type { VectorHit, VectorIndex, VectorIndexFactory } from '../vector-index';
import { FlatF32Index } from '../flat-index';
import { IndexSnapshotError, packSections, unpackSections } from '../index-bytes';

export const voyKind = 'voy';

type Voy = InstanceType<typeof voy.Voy>;

const resource = (labels: ArrayLike<number>, vectors: Float32Array, d: number) => ({
  embeddings: Array.from({ length: labels.length }, (_, i) => ({
    id: String(labels[i]),
    title: '',
    url: '',
    embeddings: Array.from(vectors.subarray(i * d, (i + 1) * d)),
  })),
});

export class VoyIndex implements VectorIndex {
  readonly kind = voyKind;

  constructor(
    readonly dimensions: number,
    /** The float vectors: voy needs them to remove, and scores come from them. */
    readonly kept: FlatF32Index,
    public tree: Voy,
  ) {}

  get size(): number {
    return this.kept.size;
  }

  add(labels: Uint32Array, vectors: Float32Array): void {
    this.remove(labels.filter((l) => this.kept.has(l)));
    this.kept.add(labels, vectors);
    this.tree.add(resource(labels, vectors, this.dimensions));
  }

  remove(labels: ArrayLike<number>): void {
    const present = Array.from(labels).filter((l) => this.kept.has(l));
    if (present.length === 0) return;
    this.tree.remove(resource(present, this.kept.vectorsOf(present), this.dimensions));
    this.kept.remove(present);
  }

  has(label: number): boolean {
    return this.kept.has(label);
  }

  labels(): Uint32Array {
    return this.kept.labels();
  }

  search(query: Float32Array, k: number, allowed?: ArrayLike<number>): VectorHit[] {
    // The tree cannot filter: a filtered search is an exact scan of the allowed float vectors.
    if (allowed) return this.kept.search(query, k, allowed);
    if (k < 1 || this.size === 0) return [];
    const found = this.tree
      .search(query, Math.min(k, this.size))
      .neighbors.map((n) => Number(n.id));
    const scores = new Map(this.kept.scoresOf(query, found).map((h) => [h.label, h.score]));
    return found.map((label) => ({ label, score: scores.get(label) ?? 0 }));
  }

  serialize(): Uint8Array[] {
    const kept = this.kept.labels();
    return packSections(
      this.kind,
      { dimensions: this.dimensions },
      {
        labels: kept,
        vectors: this.kept.vectorsOf(kept),
        tree: new TextEncoder().encode(this.tree.serialize()),
      },
    );
  }

  dispose(): void {
    this.tree.free();
    this.kept.dispose();
  }
}

/** Builds the factory; tests pass the WASM bytes (Node has no fetch for the asset URL). */
export function createVoyFactory(wasmBytes?: () => Promise<BufferSource>): VectorIndexFactory {
  let loaded: Promise<void> | undefined;
  const load = () =>
    (loaded ??= (async () => {
      const imports = { './voy_search_bg.js': voy as unknown as WebAssembly.ModuleImports };
      const { instance } = wasmBytes
        ? await WebAssembly.instantiate(await wasmBytes(), imports)
        : await WebAssembly.instantiateStreaming(fetch(wasmUrl), imports);
      voy.__wbg_set_wasm(instance.exports);
    })());
  return {
    kind: voyKind,
    async create(dimensions) {
      await load();
      return new VoyIndex(dimensions, new FlatF32Index(dimensions), new voy.Voy());
    },
    async restore(parts, dimensions) {
      await load();
      const { sections } = unpackSections(parts, voyKind);
      if (!(sections.tree instanceof Uint8Array)) throw new IndexSnapshotError('voy tree missing');
      const kept = new FlatF32Index(dimensions, {
        labels: sections.labels as Uint32Array,
        vectors: sections.vectors as Float32Array,
      });
      const tree = voy.Voy.deserialize(new TextDecoder().decode(sections.tree));
      return new VoyIndex(dimensions, kept, tree);
    },
  };
}

export const voyFactory = createVoyFactory();
