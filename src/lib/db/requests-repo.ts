// The request ledger: every network request Hearth made or refused, newest first in Settings.
import { liveQuery } from 'dexie';
import { getDb, type RequestRecord } from './db';
import { LEDGER_CHANNEL } from './ledger-append';

export async function recordRequest(entry: Omit<RequestRecord, 'seq'>): Promise<void> {
  await getDb().requests.add(entry);
}

export function observeRequests(limit: number, onChange: (rows: RequestRecord[]) => void) {
  const newest = () => getDb().requests.orderBy('at').reverse().limit(limit).toArray();
  const subscription = liveQuery(newest).subscribe({ next: onChange, error: reportError });
  // The service worker writes without Dexie (ledger-append.ts), which a live query does not see.
  const channel = new BroadcastChannel(LEDGER_CHANNEL);
  channel.onmessage = () => newest().then(onChange, reportError);
  return () => {
    subscription.unsubscribe();
    channel.close();
  };
}

export async function requestTotals(): Promise<{ count: number; bytes: number }> {
  let bytes = 0;
  let count = 0;
  await getDb().requests.each((row) => {
    count++;
    bytes += row.bytes;
  });
  return { count, bytes };
}

export async function clearRequests(): Promise<void> {
  await getDb().requests.clear();
}
