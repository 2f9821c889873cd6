// The request ledger: every network request a model worker made, newest first in Settings.
import { liveQuery } from 'dexie';
import { getDb, type RequestRecord } from './db';

export async function recordRequest(entry: Omit<RequestRecord, 'seq'>): Promise<void> {
  await getDb().requests.add(entry);
}

export function observeRequests(limit: number, onChange: (rows: RequestRecord[]) => void) {
  const subscription = liveQuery(() =>
    getDb().requests.orderBy('at').reverse().limit(limit).toArray(),
  ).subscribe({ next: onChange, error: reportError });
  return () => subscription.unsubscribe();
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
