// How long a test waits before it calls something hung, scaled by how busy the machine is. On a
// 2-core machine at load average 8–27, SwiftShader, the tiny models and IndexedDB all run several
// times slower: a fixed 90 s wait then fails tests whose work is merely slow, not stuck. Waits
// grow with the 1-minute load average per core, from 1× on a quiet machine to at most 4×. This
// never turns into a speed assertion: tests still check only what happened, not how fast.
import { availableParallelism, loadavg } from 'node:os';

const maxFactor = 4;

/** The current slow-down factor, 1 on a quiet machine. */
export function loadFactor(): number {
  const perCore = (loadavg()[0] ?? 0) / availableParallelism();
  return Math.min(maxFactor, Math.max(1, perCore));
}

/** `ms` stretched by the current load (see `loadFactor`). */
export const patient = (ms: number): number => Math.round(ms * loadFactor());
