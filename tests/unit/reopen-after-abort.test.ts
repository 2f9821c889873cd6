// An open the browser aborted (it closes every connection while it discards a database, and at
// each write a full disk refuses) must not leave the app's database failed for good: Dexie answers
// every later call with that error until something opens it again.
import { describe, expect, it, vi } from 'vitest';
import { getDb } from '../../src/lib/db/db';

describe('the app database after an aborted open', () => {
  it('opens again by itself, and reads and writes work', async () => {
    const db = getDb();
    await db.open();
    db.close({ disableAutoOpen: false });
    let aborted = false;
    db.on(
      'ready',
      () => {
        if (aborted) return;
        aborted = true;
        throw new DOMException('The connection was closed.', 'AbortError');
      },
      true,
    );
    await expect(db.settings.get('probe')).rejects.toThrow(/connection was closed/);
    await vi.waitFor(() => expect(db.isOpen()).toBe(true), { timeout: 5_000 });
    await db.settings.put({ key: 'probe', value: 'after' });
    expect((await db.settings.get('probe'))?.value).toBe('after');
  });
});
