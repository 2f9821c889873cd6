// Pooling of a model's last hidden state into one L2-normalized vector per text, written straight
// into the caller's output buffer (no intermediate tensors).
import type { EmbeddingSpec } from '../types';

export interface HiddenState {
  /** [batch, sequence, hidden], row-major. */
  data: Float32Array;
  batch: number;
  sequence: number;
  hidden: number;
}

/**
 * Pools row `b` of `state` into `out` at `offset` (mean over the tokens the mask keeps, or the
 * first token), then scales it to unit length. `mask` is the attention mask, [batch, sequence].
 */
export function poolInto(
  state: HiddenState,
  mask: ArrayLike<number | bigint>,
  b: number,
  pooling: EmbeddingSpec['pooling'],
  out: Float32Array,
  offset: number,
): void {
  const { data, sequence, hidden } = state;
  const vector = out.subarray(offset, offset + hidden);
  vector.fill(0);
  const rowStart = b * sequence * hidden;
  if (pooling === 'cls') {
    vector.set(data.subarray(rowStart, rowStart + hidden));
  } else {
    let kept = 0;
    for (let t = 0; t < sequence; t++) {
      if (Number(mask[b * sequence + t] ?? 0) === 0) continue;
      kept++;
      const tokenStart = rowStart + t * hidden;
      for (let h = 0; h < hidden; h++) vector[h] = (vector[h] ?? 0) + (data[tokenStart + h] ?? 0);
    }
    if (kept > 0) for (let h = 0; h < hidden; h++) vector[h] = (vector[h] ?? 0) / kept;
  }
  let norm = 0;
  for (let h = 0; h < hidden; h++) norm += (vector[h] ?? 0) ** 2;
  norm = Math.sqrt(norm);
  if (norm > 0) for (let h = 0; h < hidden; h++) vector[h] = (vector[h] ?? 0) / norm;
}
