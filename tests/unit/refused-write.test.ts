// A write refused for want of room must read as a full disk however Dexie wraps it, and a
// unique-path clash, which Dexie wraps the same way, must not.
import { beforeEach, describe, expect, it } from 'vitest';
import { getDb } from '../../src/lib/db/db';
import { isConnectionClosed, isRefusedWrite } from '../../src/lib/errors';
import { createNote, wipeVault } from '../../src/lib/vault/notes';

beforeEach(async () => {
  await wipeVault();
});

const named = (name: string, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(`${name} happened`), { name }, extra);

describe('isRefusedWrite', () => {
  it('is true for quota errors and aborted requests, bare or in a bulk failure', () => {
    expect(isRefusedWrite(named('QuotaExceededError'))).toBe(true);
    expect(isRefusedWrite(named('AbortError'))).toBe(true);
    expect(isRefusedWrite(named('UnknownError'))).toBe(true);
    const abortedOpen = named('AbortError', { message: 'The connection was closed.' });
    expect(isRefusedWrite(named('DatabaseClosedError', { inner: abortedOpen }))).toBe(true);
    expect(isRefusedWrite(new Error('Failed to write blobs (IOError)'))).toBe(true);
    const aborts = [named('UnknownError'), named('AbortError'), named('AbortError')];
    expect(isRefusedWrite(named('BulkError', { failures: aborts }))).toBe(true);
    expect(isRefusedWrite(named('ModifyError', { failures: [named('QuotaExceededError')] }))).toBe(
      true,
    );
  });

  it('is false for a bulk failure with any other cause among its failures', () => {
    const mixed = [named('AbortError'), named('ConstraintError')];
    expect(isRefusedWrite(named('BulkError', { failures: mixed }))).toBe(false);
    expect(isRefusedWrite(named('DataError'))).toBe(false);
    expect(isRefusedWrite(named('DatabaseClosedError'))).toBe(false);
    expect(isRefusedWrite(null)).toBe(false);
  });

  it('is false for the BulkError Dexie raises on a duplicate path', async () => {
    const db = getDb();
    const note = (await db.notes.get((await createNote('Same')).id))!;
    const error = await db.notes
      .bulkAdd([
        { ...note, id: 'copy-1' },
        { ...note, id: 'copy-2' },
      ])
      .catch((e: unknown) => e);
    expect((error as Error).name).toBe('BulkError');
    expect(isRefusedWrite(error)).toBe(false);
  });
});

describe('isConnectionClosed', () => {
  it('is true only for a transaction aborted because the browser closed the connection', () => {
    const closed = (name: string) =>
      Object.assign(new Error('The connection was closed.'), { name });
    expect(isConnectionClosed(closed('AbortError'))).toBe(true);
    expect(isConnectionClosed(closed('DatabaseClosedError'))).toBe(true);
    expect(isConnectionClosed(named('AbortError'))).toBe(false);
    expect(isConnectionClosed(closed('ConstraintError'))).toBe(false);
    expect(isConnectionClosed(null)).toBe(false);
  });
});
