// Progress events are posted across the worker boundary: at most one per 100 files or 50 ms, so
// the main thread redraws the bar without being flooded.
import type { ImportProgress } from '../types';

export class ProgressThrottle {
  #lastPhase: ImportProgress['phase'] | null = null;
  #lastDone = 0;
  #lastAtMs = 0;
  readonly #emit: (progress: ImportProgress) => void;
  readonly #everyFiles: number;
  readonly #everyMs: number;

  constructor(emit: (progress: ImportProgress) => void, everyFiles = 100, everyMs = 50) {
    this.#emit = emit;
    this.#everyFiles = everyFiles;
    this.#everyMs = everyMs;
  }

  update(progress: ImportProgress, force = false): void {
    const now = performance.now();
    const due =
      progress.phase !== this.#lastPhase ||
      progress.done - this.#lastDone >= this.#everyFiles ||
      now - this.#lastAtMs >= this.#everyMs;
    if (!force && !due) return;
    this.#lastPhase = progress.phase;
    this.#lastDone = progress.done;
    this.#lastAtMs = now;
    this.#emit(progress);
  }
}
