// When a scheduled backup is due, what it is called, and which older ones go once a new one is
// written and verified. Pure, so a fixed clock tests it.

export interface ScheduleSettings {
  /** Hours between backups. */
  everyHours: number;
  /** Backups kept in the folder; older ones go after a new one is verified. */
  keep: number;
}

export const defaultSchedule: ScheduleSettings = { everyHours: 24, keep: 7 };

const hourMs = 3_600_000;
const prefix = 'hearth-backup-';
const suffix = '.zip.age';
/** Names Hearth gave its scheduled backups: only these are ever pruned from the folder. */
const ours = /^hearth-backup-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z\.zip\.age$/;

/** The file name of a backup made at `at`: sorts by time, and says it in UTC. */
export function backupName(at: number): string {
  const iso = new Date(at).toISOString().slice(0, 23).replaceAll(/[:.]/g, '-');
  return `${prefix}${iso}Z${suffix}`;
}

export function isScheduledBackup(name: string): boolean {
  return ours.test(name);
}

/** When the next backup is due (ms), or now when none was made. */
export function nextDue(lastAt: number | null, settings: ScheduleSettings, now: number): number {
  return lastAt === null ? now : lastAt + settings.everyHours * hourMs;
}

/** Due when the interval has passed and something changed since the last backup. */
export function isDue(
  lastAt: number | null,
  changedAt: number,
  settings: ScheduleSettings,
  now: number,
): boolean {
  if (lastAt !== null && changedAt <= lastAt) return false;
  return now >= nextDue(lastAt, settings, now);
}

/** The scheduled backups to delete so that `keep` remain, oldest first; `newest` always stays. */
export function toPrune(names: readonly string[], keep: number, newest: string): string[] {
  const mine = names.filter(isScheduledBackup).sort();
  const kept = new Set(mine.slice(-Math.max(1, keep)));
  kept.add(newest);
  return mine.filter((name) => !kept.has(name));
}

/** An age X25519 recipient (`age1…`), the public half of a backup key. */
export function isBackupRecipient(recipient: string): boolean {
  return /^age1[0-9a-z]+$/.test(recipient.trim());
}
