// Where the network policy and the service worker's ledger rows are kept (fake-indexeddb; the real
// thing runs in Chromium in sealed-network.e2e.ts): no stored policy means sealed, changes made
// at once by two tabs both land, and a ledger row lands in the app's own database beside Dexie's.
import { describe, expect, it } from 'vitest';
import { effectivePolicy, readPolicy, updatePolicy } from '../../src/lib/db/network-policy-repo';
import { appendLedgerRow } from '../../src/lib/db/ledger-append';
import { getDb } from '../../src/lib/db/db';
import { sealedPolicy, type DownloadGrant } from '../../src/lib/net/policy';

const grant = (id: string): DownloadGrant => ({
  id,
  modelKey: id,
  purpose: `download ${id}`,
  origins: ['https://huggingface.co'],
  expiresAtMs: Date.now() + 60_000,
});

describe('network policy store', () => {
  it('fails closed: nothing stored reads as sealed', async () => {
    expect(await readPolicy()).toBeNull();
    expect(await effectivePolicy()).toEqual(sealedPolicy);
  });

  it('keeps both of two grants written at the same moment', async () => {
    await updatePolicy(() => ({ ...sealedPolicy, base: 'open' }));
    await Promise.all(
      ['a', 'b'].map((id) =>
        updatePolicy((p) => ({
          ...(p ?? sealedPolicy),
          grants: [...(p?.grants ?? []), grant(id)],
        })),
      ),
    );
    const stored = await effectivePolicy();
    expect(stored.base).toBe('open');
    expect(stored.grants.map((g) => g.id).sort()).toEqual(['a', 'b']);
  });
});

describe('appendLedgerRow', () => {
  it('writes into the ledger Dexie reads, with its initiator', async () => {
    await getDb().open();
    await appendLedgerRow({
      at: 1,
      host: 'huggingface.co',
      path: '/x',
      bytes: 0,
      status: 0,
      modelKey: '',
      reason: 'blocked: the network is sealed',
      initiator: 'memory worker',
    });
    const rows = await getDb().requests.toArray();
    expect(rows).toMatchObject([{ host: 'huggingface.co', initiator: 'memory worker', seq: 1 }]);
  });
});
