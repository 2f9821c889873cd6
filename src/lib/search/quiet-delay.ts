// When to run work that waits for writes to pause (a snapshot save, a recall check): `delayMs`
// after the latest write, but never later than `maxWaitMs` after the first write still waiting,
// so that a steady stream of writes cannot put it off for ever.

/** Milliseconds to wait from now; `sinceMs` is when the first waiting write came. */
export function quietDelay(sinceMs: number, delayMs: number, maxWaitMs: number): number {
  return Math.max(0, Math.min(delayMs, sinceMs + maxWaitMs - Date.now()));
}
