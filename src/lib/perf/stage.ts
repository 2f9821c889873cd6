// Named stages on the page's performance timeline (`hearth:<name>` measures), so the grounding
// bench and the browser's profiler can say where the time between Send and the request went.
// A timeline that refuses an entry (full buffer, no `performance`) never fails the work timed.

/** Runs `work` and records how long it took as the measure `hearth:<name>`. */
export async function stage<T>(name: string, work: () => Promise<T>): Promise<T> {
  const start = performance.now();
  try {
    return await work();
  } finally {
    try {
      performance.measure(`hearth:${name}`, { start, end: performance.now() });
    } catch {
      // Timing is for reading, never a reason to fail.
    }
  }
}
