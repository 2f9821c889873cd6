/*
 * Where the network policy is kept: its own small IndexedDB database, `hearth-network`, one record
 * (`policy` store, key `current`). Apart from `hearth` on purpose: the service worker reads it on
 * every off-origin request, and must never open the app's main database with a schema it may not
 * know (an older service worker next to a newer page). Raw IndexedDB, no Dexie: the service
 * worker bundle stays small. Every change is announced on a BroadcastChannel so each tab's top bar
 * shows the same state.
 */
import { sealedPolicy, type NetworkPolicy } from '../net/policy';

const DB = 'hearth-network';
const STORE = 'policy';
const KEY = 'current';
export const POLICY_CHANNEL = 'hearth-network-policy';

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => {
      const db = request.result;
      // A wipe deletes this database: let go at once instead of blocking it.
      db.onversionchange = () => db.close();
      resolve(db);
    };
    request.onerror = () => reject(request.error ?? new Error(`Couldn't open ${DB}.`));
    request.onblocked = () => reject(new Error(`${DB} is being deleted.`));
  });
}

async function run<T>(
  mode: IDBTransactionMode,
  work: (store: IDBObjectStore) => IDBRequest<T> | void,
): Promise<T | undefined> {
  const db = await open();
  try {
    return await new Promise<T | undefined>((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const request = work(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(request ? request.result : undefined);
      tx.onerror = () => reject(tx.error ?? new Error(`Couldn't use ${DB}.`));
      tx.onabort = () => reject(tx.error ?? new Error(`${DB} transaction aborted.`));
    });
  } finally {
    db.close();
  }
}

/** The stored policy, or null when none was ever written (the caller picks the default). */
export async function readPolicy(): Promise<NetworkPolicy | null> {
  const stored = await run<NetworkPolicy | undefined>(
    'readonly',
    (s) => s.get(KEY) as IDBRequest<NetworkPolicy | undefined>,
  );
  return stored ?? null;
}

/** The policy the service worker applies: the stored one, or sealed when there is none. */
export async function effectivePolicy(): Promise<NetworkPolicy> {
  try {
    return (await readPolicy()) ?? sealedPolicy;
  } catch {
    return sealedPolicy;
  }
}

/**
 * Changes the policy in one transaction (two tabs starting downloads at once both keep their
 * grant) and tells every tab. Returns the policy written.
 */
export async function updatePolicy(
  change: (current: NetworkPolicy | null) => NetworkPolicy,
): Promise<NetworkPolicy> {
  const db = await open();
  let next: NetworkPolicy | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      const tx = db.transaction(STORE, 'readwrite');
      const store = tx.objectStore(STORE);
      const read = store.get(KEY);
      read.onsuccess = () => {
        next = change((read.result as NetworkPolicy | undefined) ?? null);
        store.put(next, KEY);
      };
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error ?? new Error(`Couldn't save the network policy.`));
      tx.onabort = () => reject(tx.error ?? new Error(`Saving the network policy was aborted.`));
    });
  } finally {
    db.close();
  }
  if (!next) throw new Error('The network policy was not written.');
  const channel = new BroadcastChannel(POLICY_CHANNEL);
  channel.postMessage('changed');
  channel.close();
  return next;
}
