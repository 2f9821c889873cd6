// Scheduled backups: every N hours, when something changed since the last one, and when the app
// is hidden after changes, the whole state is written to a folder the user picked, encrypted to a
// backup key whose secret half the user keeps (Hearth stores only the public recipient, so nothing
// in the browser can open the backups). The last K are kept, older ones deleted only after a new
// one is written and read back. Without a folder (browsers lacking the File System Access API),
// a reminder offers the backup as a one-click download instead.
import { readSetting, writeSetting } from '../db/models-repo';
import { lastChangeAt } from '../db/bundle-repo';
import {
  backupName,
  defaultSchedule,
  isBackupRecipient,
  isDue,
  nextDue,
  type ScheduleSettings,
} from '../backup/backup-schedule';
import { askToWrite, canWrite, writeBackup } from '../backup/folder-target';
import type { BackupKey } from '../bundle/age-file';
import { downloadBlob } from '../vault/download';
import { ifLockFree, withLock } from '../storage/web-lock';
import { directoryPicker } from '../vault/directory-walk';
import { errorMessage } from '../errors';
import { formatMegabytes } from '../format-bytes';
import { backup } from './backup.svelte';
import { toasts } from './toasts.svelte';

interface ScheduleState extends ScheduleSettings {
  recipient: string | null;
  lastAt: number | null;
  lastBytes: number | null;
  lastName: string | null;
}

const stateKey = 'backup.schedule';
const folderKey = 'backup.folder';
const tickMs = 10 * 60_000;
const startDelayMs = 10_000;
/** The least time between two backups made because the app was hidden after changes. */
const hideGapMs = 10 * 60_000;
/** Held by the one tab making a backup: two tabs due at once would both write (and both prune). */
const backupLock = 'hearth:backup';

class ScheduledBackup {
  state = $state.raw<ScheduleState>({
    ...defaultSchedule,
    recipient: null,
    lastAt: null,
    lastBytes: null,
    lastName: null,
  });
  folder = $state.raw<FileSystemDirectoryHandle | null>(null);
  loaded = $state(false);
  running = $state(false);
  error = $state<string | null>(null);
  /** The browser forgot the folder permission: a click on "Allow again" asks for it. */
  needsPermission = $state(false);
  /** A key just made, shown until the user says it is saved; never stored. */
  newKey = $state.raw<BackupKey | null>(null);
  readonly folderSupported = directoryPicker() !== undefined;
  #timer: ReturnType<typeof setInterval> | undefined;
  #reminded = false;
  /** A failed scheduled backup is told once a session (the next success resets it). */
  #warned = false;

  async load(): Promise<void> {
    const saved = await readSetting<Partial<ScheduleState> | null>(stateKey, null);
    this.state = { ...this.state, ...(saved ?? {}) };
    this.folder = await readSetting<FileSystemDirectoryHandle | null>(folderKey, null);
    this.loaded = true;
  }

  get nextAt(): number | null {
    if (!this.state.recipient) return null;
    return nextDue(this.state.lastAt, this.state, Date.now());
  }

  async createKey(): Promise<void> {
    // age's code loads only here: the app's start path never carries it.
    const { generateBackupKey } = await import('../bundle/age-file');
    this.newKey = await generateBackupKey();
  }

  /** The user has kept the secret key: from now on backups are encrypted to its recipient. */
  async keepKey(): Promise<void> {
    if (!this.newKey) return;
    await this.#save({ recipient: this.newKey.recipient });
    this.newKey = null;
  }

  downloadKey(): void {
    if (!this.newKey) return;
    const text =
      `# Hearth backup key, made ${new Date().toISOString()}\n` +
      `# public key: ${this.newKey.recipient}\n${this.newKey.identity}\n`;
    downloadBlob(new Blob([text], { type: 'text/plain' }), 'hearth-backup-key.txt');
  }

  async chooseFolder(): Promise<void> {
    const pick = directoryPicker();
    if (!pick) return;
    try {
      const folder = await pick({ id: 'hearth-backups', mode: 'readwrite' });
      await writeSetting(folderKey, folder);
      this.folder = folder;
      this.needsPermission = false;
    } catch (error) {
      if ((error as Error).name !== 'AbortError') this.error = errorMessage(error);
    }
  }

  async allowAgain(): Promise<void> {
    if (this.folder && (await askToWrite(this.folder))) {
      this.needsPermission = false;
      await this.runNow();
    }
  }

  async setSchedule(settings: ScheduleSettings): Promise<void> {
    await this.#save(settings);
  }

  /** Makes a backup now: into the folder, or (no folder) as a download. */
  runNow(): Promise<boolean> {
    return withLock(backupLock, () => this.#run());
  }

  async #run(): Promise<boolean> {
    // The key as stored now: another tab may have replaced it since this one loaded.
    await this.load();
    const recipient = this.state.recipient;
    if (this.running || !recipient || !isBackupRecipient(recipient)) return false;
    this.running = true;
    this.error = null;
    try {
      // Asked first: browsers forget the permission between sessions, and a backup built for a
      // folder Hearth may not write to would be thrown away.
      if (this.folder && !(await canWrite(this.folder))) {
        this.needsPermission = true;
        return false;
      }
      const at = Date.now();
      const blob = await backup.bundleFor(recipient);
      const name = backupName(at);
      if (this.folder) await writeBackup(this.folder, name, blob, this.state.keep);
      else downloadBlob(blob, name);
      await this.#save({ lastAt: at, lastBytes: blob.size, lastName: name });
      this.#warned = false;
      return true;
    } catch (error) {
      this.error = `The scheduled backup failed: ${errorMessage(error)}`;
      return false;
    } finally {
      this.running = false;
    }
  }

  /**
   * Runs a backup when one is due; without a folder, offers it as a download (once a session).
   * `hiding`: the app is being hidden or closed, so any change since the last backup (at least
   * 10 minutes ago) is due, whatever the interval.
   */
  async tick(hiding = false): Promise<void> {
    // A tab busy with a backup makes this one's moot; once it is done, the state read below has
    // its time, so the next tick here finds nothing due.
    await ifLockFree(backupLock, () => this.#tick(hiding));
  }

  async #tick(hiding: boolean): Promise<void> {
    await this.load();
    const { recipient, lastAt } = this.state;
    if (!recipient || this.running) return;
    const changedAt = await lastChangeAt();
    const now = Date.now();
    const due = hiding
      ? changedAt > (lastAt ?? 0) && now - (lastAt ?? 0) >= hideGapMs
      : isDue(lastAt, changedAt, this.state, now);
    if (!due) return;
    if (this.folder) {
      const done = await this.#run();
      // A scheduled backup that did not happen is said where the user is, not only in Settings.
      if (!done && !this.#warned && (this.needsPermission || this.error)) {
        this.#warned = true;
        toasts.error(
          this.needsPermission
            ? 'Scheduled backups are paused: allow Hearth to write to the backup folder in Settings.'
            : (this.error ?? 'The scheduled backup failed.'),
        );
      }
      return;
    }
    if (this.#reminded || hiding) return;
    this.#reminded = true;
    toasts.show('A backup is due.', {
      action: { label: 'Download it', run: () => void this.runNow() },
      timeoutMs: 0,
    });
  }

  /** At start (after a delay), every 10 minutes, and when the app is hidden after changes. */
  start(): void {
    if (this.#timer !== undefined) return;
    setTimeout(() => void this.tick().catch(() => undefined), startDelayMs);
    this.#timer = setInterval(() => void this.tick().catch(() => undefined), tickMs);
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'hidden' && this.folder)
        void this.tick(true).catch(() => undefined);
    });
  }

  describeLast(): string {
    const { lastAt, lastBytes } = this.state;
    if (lastAt === null) return 'No scheduled backup yet.';
    return `Last backup ${new Date(lastAt).toLocaleString()} (${formatMegabytes(lastBytes ?? 0)}).`;
  }

  async #save(patch: Partial<ScheduleState>): Promise<void> {
    // Over what is stored now, not what this tab last read: another tab may have changed the key.
    const stored = await readSetting<Partial<ScheduleState> | null>(stateKey, null);
    const next = { ...this.state, ...(stored ?? {}), ...patch };
    await writeSetting(stateKey, next);
    this.state = next;
  }
}

export const scheduledBackup = new ScheduledBackup();
