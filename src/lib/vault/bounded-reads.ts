// Reads many files at once to overlap I/O with hashing, without holding too many bytes at once:
// a vault's attachments can run to gigabytes, and each one read is in memory until it is hashed.

export interface Bounds {
  /** Items worked on at once. */
  concurrency: number;
  /** Declared bytes in flight at once; an item larger than this runs alone. */
  budgetBytes: number;
}

/** Runs `work` over every item within `bounds`; rejects with the first error `work` throws. */
export function forEachBounded<T extends { sizeBytes: number }>(
  items: readonly T[],
  work: (item: T, index: number) => Promise<void>,
  bounds: Bounds,
): Promise<void> {
  return new Promise((resolve, reject) => {
    let next = 0;
    let running = 0;
    let bytes = 0;
    let failed = false;
    const pump = (): void => {
      if (failed) return;
      if (next >= items.length && running === 0) return resolve();
      while (next < items.length && running < bounds.concurrency) {
        const size = items[next]!.sizeBytes;
        if (running > 0 && bytes + size > bounds.budgetBytes) break;
        const index = next++;
        running++;
        bytes += size;
        work(items[index]!, index).then(
          () => {
            running--;
            bytes -= size;
            pump();
          },
          (error: unknown) => {
            failed = true;
            reject(error instanceof Error ? error : new Error(String(error)));
          },
        );
      }
    };
    pump();
  });
}
