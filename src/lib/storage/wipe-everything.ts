// "Delete everything": every trace of Hearth in this browser, for this origin. The request is
// marked and the page reloads; the wipe runs at start, before the app opens a database or starts
// a worker, so nothing it deletes is held open or written again by this tab. Other tabs are told
// to reload, which lets go of theirs.
//
// The mark is origin-wide (localStorage), and every start checks it holding one Web Lock: the
// first tab to start after the request wipes, and the others wait for it to finish before they
// open anything. (With a per-tab mark, another tab's reload could open the database between the
// request and the wipe, and be wiped from under it.)
//
// What goes: every IndexedDB database, every Cache Storage cache (model files, the precache),
// localStorage and sessionStorage, the origin-private file system, and the service worker
// registration. The app then starts as on a first visit.
import { deleteAllDatabases } from '../db/wipe-repo';
import { withLock } from './web-lock';

const flag = 'hearth:wipe-everything';
/** Set after a wipe, for the clean start to say what happened (its value: '' or what failed). */
const doneFlag = 'hearth:wiped';
/** This tab's part in a wipe, kept across its reload: 'asked' for it, or 'other' (a tab did). */
const partFlag = 'hearth:wipe-part';
const channelName = 'hearth-wipe';
const startLock = 'hearth:start';

/** Marks the wipe and reloads: the start of the next page load does it. */
export function requestWipeEverything(): void {
  sessionStorage.setItem(partFlag, 'asked');
  localStorage.setItem(flag, String(Date.now()));
  // Posted on the channel this tab listens on: a channel does not hear itself, where another
  // object of this tab would, and the tab would take itself for a follower.
  (channel ?? new BroadcastChannel(channelName)).postMessage('wipe');
  location.reload();
}

let channel: BroadcastChannel | undefined;

/** Other tabs reload when one wipes, so their open databases do not block it. */
export function followWipes(): void {
  channel = new BroadcastChannel(channelName);
  channel.onmessage = () => {
    sessionStorage.setItem(partFlag, 'other');
    location.reload();
  };
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
export function wipeIfRequested(): Promise<boolean> {
  return withLock(startLock, async () => {
    if (localStorage.getItem(flag) === null) return false;
    await wipeEverything();
    return true;
  });
}

async function wipeEverything(): Promise<void> {
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
  // The mark goes last, with the rest of localStorage: a tab closed mid-wipe leaves it, and the
  // next start finishes the job.
  localStorage.clear();
  const part = sessionStorage.getItem(partFlag);
  sessionStorage.clear();
  if (part !== null) sessionStorage.setItem(partFlag, part);
  // Origin-wide: the tab that wiped may not be the one that asked, which is the one to tell.
  localStorage.setItem(doneFlag, failures.join('; '));
  // The page is still controlled by the unregistered worker: a new load starts clean.
  location.replace('/');
}

export interface WipeOutcome {
  /** What failed ('' when nothing did). */
  failed: string;
  /** This tab asked for it (else it reloaded because another tab did). */
  asked: boolean;
}

/** After a wipe's reload: what happened, or null when this tab took no part in one. */
export function takeWipeOutcome(): WipeOutcome | null {
  const part = sessionStorage.getItem(partFlag);
  if (part === null) return null;
  sessionStorage.removeItem(partFlag);
  const failed = localStorage.getItem(doneFlag) ?? '';
  // The asking tab clears it; the others only read it, as they may start first.
  if (part === 'asked') localStorage.removeItem(doneFlag);
  return { failed, asked: part === 'asked' };
}
