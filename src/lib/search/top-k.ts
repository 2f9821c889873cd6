// The k best (label, score) pairs of a scan, kept sorted by insertion: for the small k a search
// asks for, cheaper than a heap and far cheaper than sorting every score.
import type { VectorHit } from './vector-index';

export class TopK {
  readonly scores: Float64Array;
  readonly labels: Uint32Array;
  count = 0;
  /** Score a candidate must beat to enter (−∞ until full). */
  floor = -Infinity;

  constructor(readonly k: number) {
    this.scores = new Float64Array(k);
    this.labels = new Uint32Array(k);
  }

  push(label: number, score: number): void {
    if (score <= this.floor) return;
    let i = this.count < this.k ? this.count++ : this.k - 1;
    while (i > 0 && this.scores[i - 1]! < score) {
      this.scores[i] = this.scores[i - 1]!;
      this.labels[i] = this.labels[i - 1]!;
      i--;
    }
    this.scores[i] = score;
    this.labels[i] = label;
    if (this.count === this.k) this.floor = this.scores[this.k - 1]!;
  }

  hits(): VectorHit[] {
    const out: VectorHit[] = [];
    for (let i = 0; i < this.count; i++)
      out.push({ label: this.labels[i]!, score: this.scores[i]! });
    return out;
  }
}

/** Positions (through `slots`) of the `allowed` labels present, each once. */
export function positionsOf(slots: Map<number, number>, allowed: ArrayLike<number>): Uint32Array {
  const seen = new Set<number>();
  for (let i = 0; i < allowed.length; i++) {
    const at = slots.get(allowed[i]!);
    if (at !== undefined) seen.add(at);
  }
  return Uint32Array.from(seen);
}
