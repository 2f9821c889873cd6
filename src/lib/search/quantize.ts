// Symmetric int8 quantization, one scale per vector: a 384-dim embedding takes 384 bytes + 4
// instead of 1,536, and dot products over normalized vectors stay within ~1 % of float ones.

/** Quantizes `count` vectors of `dimensions` floats (back to back) to int8 with per-vector scales. */
export function quantizeInt8(
  vectors: Float32Array,
  dimensions: number,
): { q: Int8Array; scales: Float32Array } {
  const count = vectors.length / dimensions;
  const q = new Int8Array(vectors.length);
  const scales = new Float32Array(count);
  for (let v = 0; v < count; v++) {
    const base = v * dimensions;
    let maxAbs = 0;
    for (let i = 0; i < dimensions; i++) maxAbs = Math.max(maxAbs, Math.abs(vectors[base + i]!));
    const scale = maxAbs / 127 || 1;
    scales[v] = scale;
    for (let i = 0; i < dimensions; i++) q[base + i] = Math.round(vectors[base + i]! / scale);
  }
  return { q, scales };
}

/** The float vectors back from int8 values and per-vector scales (not re-normalized). */
export function dequantizeInt8(
  q: Int8Array,
  scales: Float32Array,
  dimensions: number,
): Float32Array {
  const out = new Float32Array(q.length);
  for (let v = 0; v < scales.length; v++) {
    const base = v * dimensions;
    const scale = scales[v]!;
    for (let i = 0; i < dimensions; i++) out[base + i] = q[base + i]! * scale;
  }
  return out;
}
