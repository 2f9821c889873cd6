// A vault the browser discarded is reported in every tab, even when the full disk that made the
// browser discard it also refused the record of the loss; and a Dismiss in one tab holds in all.
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

import { getDb } from '../../src/lib/db/db';
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
});
