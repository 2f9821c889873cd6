// Every vector index Hearth can use, loaded on demand so a WASM adapter is fetched only when
// chosen. Measurements behind the choice: bench/README.md ("Vector index").
import type { VectorIndexFactory } from './vector-index';

export const indexFactories = {
  /** Default: centred sign-bit estimates + int8 rescoring, width set by its own recall check (≥ 0.95 on any data); ~450 B/vector on disk, no training. */
  'bq-int8': () => import('./bq-index').then((m) => m.bqInt8Factory),
  /** Exact over int8: a quarter of the float index's size, fine up to ~20k vectors. */
  'flat-int8': () => import('./int8-index').then((m) => m.flatInt8Factory),
  /** Exact over floats: the baseline (1.5 KB/vector, linear time). */
  'flat-f32': () => import('./flat-index').then((m) => m.flatF32Factory),
  /** voy-search (WASM k-d tree): exact but slower than a scan, ~10 KB/vector on disk, fails at 100k. */
  voy: () => import('./voy/voy-index').then((m) => m.voyFactory),
} satisfies Record<string, () => Promise<VectorIndexFactory>>;

export type IndexKind = keyof typeof indexFactories;

export const defaultIndexKind: IndexKind = 'bq-int8';

export function isIndexKind(kind: string): kind is IndexKind {
  return Object.hasOwn(indexFactories, kind);
}
