// A vault the browser discarded is reported in every tab, even when the full disk that made the
// browser discard it also refused the record of the loss; and a Dismiss in one tab holds in all.
// The tab it happens under finds it by itself, even when nothing else reads the database after.
import { beforeEach, describe, expect, it, vi } from 'vitest';

const disk = vi.hoisted(() => {
  const stored = new Map<string, string>();
  const state = { full: false, stored };
  const events = new EventTarget();
  Object.assign(globalThis, {
    addEventListener: events.addEventListener.bind(events),
    dispatchEvent: events.dispatchEvent.bind(events),
    document: { visibilityState: 'visible', addEventListener() {}, removeEventListener() {} },
    localStorage: {
      getItem: (key: string) => stored.get(key) ?? null,
      setItem: (key: string, value: string) => {
        if (state.full)
          throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
        stored.set(key, value);
      },
      removeItem: (key: string) => stored.delete(key),
    },
  });
  return state;
});

// The real reads, which a test can make fail once.
vi.mock('../../src/lib/db/vault-identity', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/lib/db/vault-identity')>();
  return { ...real, readVaultId: vi.fn(real.readVaultId) };
});

import { forceCloseDatabase } from 'fake-indexeddb';
import { getDb } from '../../src/lib/db/db';
import { readVaultId } from '../../src/lib/db/vault-identity';
import { VaultLoss } from '../../src/lib/state/vault-loss.svelte';

const seenKey = 'hearth:vault-seen';
const lostKey = 'hearth:vault-lost';

/** What the browser does to every other tab when one tab changes localStorage. */
function storageEventFromAnotherTab(key: string | null): void {
  dispatchEvent(Object.assign(new Event('storage'), { key }));
}

/** A tab that has known a vault of `notes` notes; then the browser discards the database. */
async function knownVaultThenDiscarded(notes: number): Promise<VaultLoss> {
  const before = new VaultLoss();
  await before.check();
  await before.recordCount(notes);
  expect(JSON.parse(disk.stored.get(seenKey) ?? 'null')).toMatchObject({ notes });
  // A discarded database comes back without its id, as a new one.
  await getDb().settings.delete('vault-id');
  return new VaultLoss();
}

/**
 * What Chromium does to a database it judges corrupt: closes the page's connection with a 'close'
 * event (no versionchange) and deletes it.
 */
async function browserDiscards(): Promise<void> {
  forceCloseDatabase(getDb().backendDB() as unknown as Parameters<typeof forceCloseDatabase>[0]);
  await new Promise<void>((resolve, reject) => {
    const request = indexedDB.deleteDatabase('hearth');
    request.onsuccess = () => resolve();
    request.onerror = () => reject(request.error ?? new Error('delete failed'));
  });
}

beforeEach(async () => {
  disk.full = false;
  disk.stored.clear();
  await getDb().settings.clear();
});

describe('vault loss', () => {
  it('records the loss at once when there is room', async () => {
    const tab = await knownVaultThenDiscarded(7);
    await tab.check();
    expect(tab.lost).toMatchObject({ notes: 7 });
    expect(new VaultLoss().lost).toMatchObject({ notes: 7 });
  });

  it('a loss found on a full disk reaches new tabs once there is room', async () => {
    const tab = await knownVaultThenDiscarded(5);
    disk.full = true;
    await tab.check();
    expect(tab.lost).toMatchObject({ notes: 5 });
    expect(disk.stored.has(lostKey)).toBe(false);
    // Still full: a tab opened now cannot learn it, and the old figures are not overwritten.
    tab.persist();
    expect(new VaultLoss().lost).toBeNull();
    expect(JSON.parse(disk.stored.get(seenKey) ?? 'null')).toMatchObject({ notes: 5 });

    disk.full = false;
    await tab.recordCount(0); // the next write that lands, e.g. a note saved in the new vault
    expect(new VaultLoss().lost).toMatchObject({ notes: 5 });
    expect(tab.lost).toMatchObject({ notes: 5 });
  });

  it('a Dismiss in another tab holds: the tab that found the loss neither shows nor rewrites it', async () => {
    const finder = await knownVaultThenDiscarded(3);
    disk.full = true;
    await finder.check();
    disk.full = false;
    finder.persist();

    const other = new VaultLoss();
    await other.check();
    expect(other.lost).toMatchObject({ notes: 3 });
    other.dismiss();
    storageEventFromAnotherTab(lostKey);

    expect(finder.lost).toBeNull();
    finder.persist();
    await finder.recordCount(0);
    expect(disk.stored.has(lostKey)).toBe(false);
    expect(new VaultLoss().lost).toBeNull();
  });

  it('a discard is found from the closed connection alone, with nothing else reading after', async () => {
    const tab = new VaultLoss();
    await tab.check();
    await tab.recordCount(4);
    await browserDiscards();
    await vi.waitFor(() => expect(tab.lost).toMatchObject({ notes: 4 }), { timeout: 5_000 });
    expect(tab.discardedHere).toBe(true);
    expect(new VaultLoss().lost).toMatchObject({ notes: 4 });
  });

  it('a recheck that could not read the database looks again', async () => {
    const tab = new VaultLoss();
    await tab.check();
    await tab.recordCount(2);
    // The read made as the browser closes the connection fails; the database comes back new.
    vi.mocked(readVaultId).mockRejectedValueOnce(new Error('The connection was closed.'));
    await getDb().settings.delete('vault-id');
    expect(await tab.recheck()).toBe(false);
    expect(tab.lost).toBeNull();
    await vi.waitFor(() => expect(tab.lost).toMatchObject({ notes: 2 }), { timeout: 10_000 });
    expect(tab.discardedHere).toBe(true);
  });
});
