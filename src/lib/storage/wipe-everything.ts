// "Delete everything": every trace of Hearth in this browser, for this origin. The request is
// marked and the page reloads; the wipe runs at start, before the app opens a database or starts
// a worker, so nothing it deletes is held open or written again by this tab. Other tabs are told
// to reload, which lets go of theirs.
//
// What goes: every IndexedDB database, every Cache Storage cache (model files, the precache),
// localStorage and sessionStorage, the origin-private file system, and the service worker
// registration. The app then starts as on a first visit.
import { deleteAllDatabases } from '../db/wipe-repo';

const flag = 'hearth:wipe-everything';
/** Set after a wipe, for the clean start to say what happened (its value: '' or what failed). */
const doneFlag = 'hearth:wiped';
const channelName = 'hearth-wipe';

/** Marks the wipe and reloads: the start of the next page load does it. */
export function requestWipeEverything(): void {
  sessionStorage.setItem(flag, String(Date.now()));
  const channel = new BroadcastChannel(channelName);
  channel.postMessage('wipe');
  channel.close();
  location.reload();
}

/** Other tabs reload when one wipes, so their open databases do not block it. */
export function followWipes(): void {
  const channel = new BroadcastChannel(channelName);
  channel.onmessage = () => location.reload();
}

async function clearOriginFiles(): Promise<void> {
  if (!navigator.storage?.getDirectory) return;
  const root = await navigator.storage.getDirectory();
  const names: string[] = [];
  for await (const name of (root as unknown as { keys(): AsyncIterable<string> }).keys())
    names.push(name);
  for (const name of names) await root.removeEntry(name, { recursive: true });
}

/**
 * Runs a requested wipe, then reloads into a clean start (true: the page is going away). Each
 * part runs even when one before it failed, so as much is gone as can be.
 */
export async function wipeIfRequested(): Promise<boolean> {
  if (sessionStorage.getItem(flag) === null) return false;
  sessionStorage.removeItem(flag);
  const failures: string[] = [];
  const attempt = async (what: string, work: () => Promise<unknown>) => {
    try {
      await work();
    } catch (error) {
      failures.push(`${what}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  await attempt('service worker', async () => {
    const registrations = await navigator.serviceWorker?.getRegistrations();
    await Promise.all((registrations ?? []).map((r) => r.unregister()));
  });
  await attempt('databases', () => deleteAllDatabases());
  await attempt('caches', async () => {
    for (const key of await caches.keys()) await caches.delete(key);
  });
  await attempt('files', clearOriginFiles);
  localStorage.clear();
  sessionStorage.clear();
  sessionStorage.setItem(doneFlag, failures.join('; '));
  // The page is still controlled by the unregistered worker: a new load starts clean.
  location.replace('/');
  return true;
}

/** After a wipe's reload: null when none ran, else what failed ('' when nothing did). */
export function takeWipeOutcome(): string | null {
  const outcome = sessionStorage.getItem(doneFlag);
  if (outcome !== null) sessionStorage.removeItem(doneFlag);
  return outcome;
}
