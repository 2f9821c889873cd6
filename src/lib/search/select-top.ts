// Picks roughly the `want` highest of many estimates in linear time: a histogram of the values,
// then everything at or above the bin where the count from the top reaches `want`. It may keep a
// few more than asked (the rest of that bin), never fewer; cheaper than any sort at 100k values.

const bins = 1024;
const histogram = new Uint32Array(bins);

/**
 * Indexes into `values[0..count)` of at least `want` of the highest values (all if fewer).
 * `min` and `max` bound the values when the caller tracked them (saves a pass).
 */
export function selectTop(
  values: Float32Array,
  count: number,
  want: number,
  min = Infinity,
  max = -Infinity,
): Uint32Array {
  if (want >= count) return Uint32Array.from({ length: count }, (_, i) => i);
  if (min > max)
    for (let i = 0; i < count; i++) {
      const v = values[i]!;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  if (!(max > min)) return Uint32Array.from({ length: count }, (_, i) => i);
  const scale = (bins - 1) / (max - min);
  histogram.fill(0);
  for (let i = 0; i < count; i++) histogram[((values[i]! - min) * scale) | 0]!++;
  let cutoff = bins - 1;
  for (let seen = histogram[cutoff]!; seen < want && cutoff > 0;) seen += histogram[--cutoff]!;
  let kept = 0;
  for (let b = cutoff; b < bins; b++) kept += histogram[b]!;
  const out = new Uint32Array(kept);
  for (let i = 0, o = 0; i < count; i++)
    if ((((values[i]! - min) * scale) | 0) >= cutoff) out[o++] = i;
  return out;
}
