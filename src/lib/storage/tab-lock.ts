// Which tabs are alive. Each tab holds a Web Lock named after its id for as long as it lives; the
// browser releases it when the tab closes or crashes. A draft typed by a tab that no longer holds
// its lock is an orphan the next editor of that note recovers; a live tab's draft is left alone.

export const tabId: string = crypto.randomUUID();

const lockName = (id: string): string => `hearth-tab:${id}`;

let holding = false;

/** Takes this tab's lock (once); it is held until the tab goes away. */
export function holdTabLock(): void {
  if (holding || typeof navigator === 'undefined' || !navigator.locks) return;
  holding = true;
  void navigator.locks.request(lockName(tabId), () => new Promise<never>(() => {}));
}

/** Whether the tab that wrote a draft is still open. Without Web Locks, every tab looks closed. */
export async function isTabAlive(id: string): Promise<boolean> {
  if (id === tabId) return true;
  if (typeof navigator === 'undefined' || !navigator.locks) return false;
  const { held = [] } = await navigator.locks.query();
  return held.some((lock) => lock.name === lockName(id));
}
