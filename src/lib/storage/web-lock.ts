// Origin-wide mutual exclusion between tabs (and workers), through the Web Locks API. The browser
// releases a lock when its holder's page goes away, so a closed or crashed tab never leaves one
// behind. Where the API is missing (old browsers), the work runs unguarded, as it did before.

function locks(): LockManager | undefined {
  return typeof navigator === 'undefined' ? undefined : navigator.locks;
}

/** Runs `work` holding the named lock, waiting for whoever holds it now. */
export async function withLock<T>(name: string, work: () => Promise<T>): Promise<T> {
  const manager = locks();
  if (!manager) return work();
  return manager.request(name, () => work());
}

/** Runs `work` holding the named lock if nobody holds it; else does nothing (undefined). */
export async function ifLockFree<T>(name: string, work: () => Promise<T>): Promise<T | undefined> {
  const manager = locks();
  if (!manager) return work();
  return manager.request(name, { ifAvailable: true }, (lock) =>
    lock ? work() : Promise.resolve(undefined),
  );
}
