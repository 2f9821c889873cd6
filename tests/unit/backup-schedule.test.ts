// Scheduled backups on a fixed clock: when one is due, what it is called, which older ones go.
import { describe, expect, it } from 'vitest';
import {
  backupName,
  isBackupRecipient,
  isDue,
  isScheduledBackup,
  nextDue,
  toPrune,
} from '../../src/lib/backup/backup-schedule';

const now = Date.UTC(2026, 11, 6, 12, 30, 15, 250);
const hour = 3_600_000;
const settings = { everyHours: 24, keep: 2 };

describe('backup schedule', () => {
  it('names backups by UTC time to the millisecond, so names sort by time', () => {
    expect(backupName(now)).toBe('hearth-backup-2026-12-06T12-30-15-250Z.zip.age');
    expect(isScheduledBackup(backupName(now))).toBe(true);
    expect(backupName(now) < backupName(now + 1)).toBe(true);
    for (const other of ['hearth-backup-2026-12-06.zip.age', 'notes.md', 'hearth-backup-x.zip.age'])
      expect(isScheduledBackup(other)).toBe(false);
  });

  it('is due after the interval, only when something changed since the last backup', () => {
    expect(isDue(null, 0, settings, now)).toBe(true);
    const last = now - 25 * hour;
    expect(isDue(last, last + 1, settings, now)).toBe(true);
    expect(isDue(last, last - 1, settings, now)).toBe(false);
    expect(isDue(now - 2 * hour, now - hour, settings, now)).toBe(false);
    expect(nextDue(now - 2 * hour, settings, now)).toBe(now + 22 * hour);
  });

  it('prunes the oldest of its own backups beyond keep, never the newest, never other files', () => {
    const names = [0, 1, 2, 3].map((i) => backupName(now + i * hour));
    const mixed = [...names, 'my-notes.zip', 'hearth-backup-manual.zip.age'];
    expect(toPrune(mixed, 2, names[3]!)).toEqual([names[0], names[1]]);
    expect(toPrune(mixed, 0, names[3]!)).toEqual(names.slice(0, 3));
    // A clock set back: the new one sorts first, and still stays.
    expect(toPrune(names, 2, names[0]!)).toEqual([names[1]]);
  });

  it('knows an age X25519 recipient', () => {
    expect(
      isBackupRecipient('age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p'),
    ).toBe(true);
    expect(isBackupRecipient('AGE-SECRET-KEY-1XYZ')).toBe(false);
  });
});
