// Backup and restore of all personal state (the Hearth bundle). The vault worker does the work
// (reading the store, zipping, encrypting, checking); this manager drives it for Settings: the
// backup (into a picked file, or downloaded), and a restore the user opens, previews, and only
// then applies.
import { RpcClient } from '../rpc/client';
import type {
  BundleEvents,
  BundleHandlers,
  BundlePhase,
  BundleProgress,
  OpenedBundle,
  RestorePreview,
} from '../bundle/bundle-handlers';
import type { CountKind } from '../bundle/bundle-format';
import type { HistoryHandlers } from '../history/history-handlers';
import type { HistoryCounts } from '../history/history-types';
import type { RestoreMode } from '../bundle/restore-plan';
import { readAgeHeader } from '../bundle/age-header';
import { downloadBlob } from '../vault/download';
import { pickBackupFile, saveFilePicker } from '../backup/save-picker';
import { localDateKey } from '../vault/dates';
import { formatMegabytes } from '../format-bytes';
import { errorMessage } from '../errors';
import { toasts } from './toasts.svelte';
import { editorSessions } from './editor-sessions.svelte';

export type RestoreStep = 'closed' | 'pick' | 'opening' | 'preview' | 'restoring' | 'done';

/** What the worker is doing, as the backup form and the restore dialog say it. */
export const phaseLabels: Record<BundlePhase, string> = {
  reading: 'Reading everything…',
  writing: 'Writing the backup…',
  encrypting: 'Encrypting…',
  decrypting: 'Decrypting (this takes a few seconds, by design)…',
  checking: 'Checking every entry against the manifest…',
  restoring: 'Restoring in one step…',
  saving: 'Saving to the file…',
  verifying: 'Reading the saved file back to check it…',
};

class Backup {
  busy = $state(false);
  progress = $state.raw<BundleProgress | null>(null);
  error = $state<string | null>(null);

  step = $state<RestoreStep>('closed');
  file = $state.raw<File | null>(null);
  /** True once the picked file is known to be encrypted (a passphrase is asked for). */
  encrypted = $state(false);
  /** The picked file opens with a backup key (`AGE-SECRET-KEY-1…`) rather than a passphrase. */
  needsKey = $state(false);
  opened = $state.raw<OpenedBundle | null>(null);
  preview = $state.raw<RestorePreview | null>(null);
  restored = $state.raw<Record<CountKind, number> | null>(null);

  /** The last history import's report (ChatGPT or Claude), or its error. */
  history = $state.raw<{ source: 'chatgpt' | 'claude'; counts: HistoryCounts } | null>(null);
  historyError = $state<string | null>(null);

  #client: RpcClient<BundleHandlers & HistoryHandlers, BundleEvents> | null = null;
  #jobs = 0;
  /** The backup being made from the form, for Cancel. */
  #job: string | null = null;

  /**
   * Writes the whole state as a bundle, encrypted when a passphrase is given: straight into a
   * file the user picks where the browser can (nothing gathered first), else as a download.
   */
  async backUp(
    passphrase: string | null,
    parts: { includeIndex?: boolean; includeModels?: boolean } = {},
  ): Promise<boolean> {
    if (this.busy) return false;
    const encrypted = passphrase !== null;
    const name = `hearth-backup-${localDateKey()}.zip${encrypted ? '.age' : ''}`;
    const picker = saveFilePicker();
    let target: FileSystemFileHandle | null = null;
    this.error = null;
    // The dialog first, while the click still counts as the user's gesture.
    if (picker) {
      try {
        target = await pickBackupFile(picker, name, encrypted);
      } catch (error) {
        this.error = `Backup failed: ${errorMessage(error)}`;
        return false;
      }
      if (!target) return false;
    }
    this.busy = true;
    const job = `backup-${++this.#jobs}`;
    this.#job = job;
    try {
      // The open editors' last keystrokes belong in the backup: save them first.
      const unsaved = await editorSessions.flushAll();
      if (unsaved.length > 0)
        toasts.error(
          `The backup leaves out text that could not be saved in ${unsaved.map((t) => `“${t}”`).join(', ')}.`,
        );
      const client = this.#ensureClient();
      if (target) {
        const saved = await client.call('saveBundle', { target, passphrase, job, ...parts });
        toasts.show(
          `Backed up everything to “${target.name}” (${formatMegabytes(saved.bytes)}` +
            `${saved.encrypted ? ', encrypted' : ''}), read back and checked.`,
        );
        return true;
      }
      const { blob } = await client.call('exportBundle', { passphrase, job, ...parts });
      downloadBlob(blob, name);
      toasts.show(
        `Backed up everything (${formatMegabytes(blob.size)}${encrypted ? ', encrypted' : ''}).`,
      );
      return true;
    } catch (error) {
      this.error =
        (error as Error).name === 'SaveCancelledError'
          ? errorMessage(error)
          : `Backup failed: ${errorMessage(error)}`;
      return false;
    } finally {
      this.busy = false;
      this.progress = null;
      this.#job = null;
    }
  }

  /** Stops the backup being made; whatever it had written to the picked file is taken away. */
  cancel(): void {
    if (this.#job) void this.#client?.call('cancelBackup', { job: this.#job });
  }

  /** Reads a ChatGPT or Claude export and adds its conversations (each branch kept). */
  async importHistory(file: File): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    this.history = null;
    this.historyError = null;
    try {
      this.history = await this.#ensureClient().call('importHistory', { file });
    } catch (error) {
      this.historyError = errorMessage(error);
    } finally {
      this.busy = false;
    }
  }

  /** A bundle encrypted to a backup key's recipient, for a scheduled backup (no download). */
  async bundleFor(recipient: string): Promise<Blob> {
    await editorSessions.flushAll();
    const { blob } = await this.#ensureClient().call('exportBundle', {
      passphrase: null,
      recipient,
    });
    return blob;
  }

  startRestore(): void {
    this.#reset();
    this.step = 'pick';
  }

  /** A file was picked: opened at once when it is a plain zip, else a passphrase is asked for. */
  async pick(file: File): Promise<void> {
    this.#reset();
    this.step = 'pick';
    this.file = file;
    const kind = await readAgeHeader(file);
    this.encrypted = kind !== 'none';
    // A scheduled backup is encrypted to a backup key (an X25519 recipient), not a passphrase.
    this.needsKey = kind === 'key';
    if (!this.encrypted) await this.open(null);
  }

  /** Decrypts and checks the picked file in the worker; nothing is written. */
  async open(passphrase: string | null): Promise<void> {
    if (!this.file || this.busy) return;
    this.busy = true;
    this.error = null;
    this.step = 'opening';
    try {
      this.opened = await this.#ensureClient().call('openBundle', { file: this.file, passphrase });
      this.step = 'preview';
      await this.plan('merge');
    } catch (error) {
      this.error = errorMessage(error);
      this.step = 'pick';
    } finally {
      this.busy = false;
      this.progress = null;
    }
  }

  /** What a merge or a replace would write (shown before anything is). */
  async plan(mode: RestoreMode): Promise<void> {
    try {
      this.preview = await this.#ensureClient().call('planBundle', { mode });
    } catch (error) {
      this.error = errorMessage(error);
    }
  }

  async restore(): Promise<void> {
    if (!this.preview || this.busy) return;
    this.busy = true;
    this.error = null;
    this.step = 'restoring';
    try {
      // The editors' own text is saved first, so a merge matches it and a replace is a choice.
      await editorSessions.flushAll();
      this.restored = await this.#ensureClient().call('restoreBundle', {});
      this.step = 'done';
    } catch (error) {
      this.error = `Restore failed: ${errorMessage(error)}`;
      this.step = 'preview';
    } finally {
      this.busy = false;
      this.progress = null;
    }
  }

  close(): void {
    if (this.busy) return;
    this.#reset();
    this.step = 'closed';
    void this.#client?.call('discardBundle', {}).catch(() => undefined);
  }

  #reset(): void {
    this.file = null;
    this.encrypted = false;
    this.needsKey = false;
    this.opened = null;
    this.preview = null;
    this.restored = null;
    this.error = null;
  }

  #ensureClient(): RpcClient<BundleHandlers & HistoryHandlers, BundleEvents> {
    if (!this.#client) {
      this.#client = new RpcClient<BundleHandlers & HistoryHandlers, BundleEvents>(
        new Worker(new URL('../../workers/vault.worker.ts', import.meta.url), { type: 'module' }),
      );
      this.#client.on('bundle', (progress) => (this.progress = progress));
    }
    return this.#client;
  }
}

export const backup = new Backup();
