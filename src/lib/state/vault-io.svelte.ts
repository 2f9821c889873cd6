// Import and export of the whole vault. The vault worker does the work; this manager owns it,
// mirrors its progress for the import dialog, and can stop it. Stopping is safe at any point
// before the final transaction, because nothing is written until then.
import type { ImportProgress, ImportReport } from '../types';
import { RpcClient } from '../rpc/client';
import type { ImportSource, VaultEvents, VaultHandlers } from '../vault/vault-handlers';
import { droppedEntries, walkEntries } from '../vault/dropped-files';
import { formatMegabytes } from '../format-bytes';
import { localDateKey } from '../vault/dates';
import { downloadBlob } from '../vault/download';
import { directoryPicker } from '../vault/directory-walk';
import { errorMessage } from '../errors';
import { toasts } from './toasts.svelte';
import { vaultLoss } from './vault-loss.svelte';
import { editorSessions } from './editor-sessions.svelte';

class ImportCancelled extends Error {}

/** Files per message to the worker: ~20 ms of main-thread work each (see `stageFiles`). */
const stageBatchFiles = 100;

/** The worker's progress, or the files handed to it so far before it starts reading. */
export type IoProgress = ImportProgress | { phase: 'preparing'; done: number; total: number };

const isZip = (name: string): boolean => /\.zip$/i.test(name);

class VaultIo {
  busy = $state(false);
  progress = $state.raw<IoProgress | null>(null);
  report = $state.raw<ImportReport | null>(null);
  error = $state<string | null>(null);
  dialogOpen = $state(false);

  #client: RpcClient<VaultHandlers, VaultEvents> | null = null;
  #inputs: { folder: HTMLInputElement | null; files: HTMLInputElement | null } = {
    folder: null,
    files: null,
  };
  #cancel: { stopStaging: () => void; confirm: () => void } | null = null;
  #cancelling = false;
  #importSeq = 0;

  /** The import dialog owns the hidden file inputs; the pick methods click them. */
  registerInputs(folder: HTMLInputElement, files: HTMLInputElement): () => void {
    this.#inputs = { folder, files };
    return () => (this.#inputs = { folder: null, files: null });
  }

  /**
   * The File System Access picker where the browser has one (the worker then walks the folder,
   * keeping the main thread free); the `webkitdirectory` input elsewhere.
   */
  pickFolder(): void {
    if (this.busy) return;
    const picker = directoryPicker();
    if (!picker) {
      this.#inputs.folder?.click();
      return;
    }
    picker({ id: 'hearth-import', mode: 'read' }).then(
      (handle) => this.importDirectory(handle),
      (error: unknown) => {
        // Closing the picker is not an error; a refused permission is.
        if (error instanceof DOMException && error.name === 'AbortError') return;
        toasts.error(`Couldn't open that folder: ${errorMessage(error)}`);
      },
    );
  }

  async importDirectory(handle: FileSystemDirectoryHandle): Promise<void> {
    if (this.busy) return;
    this.#begin();
    await this.#run(async (client) => client.call('importDirectory', { handle }));
  }

  pickFiles(): void {
    if (!this.busy) this.#inputs.files?.click();
  }

  /** Files from an input: folder picks keep their relative paths; picked zips are unpacked. */
  async importFileList(files: File[]): Promise<void> {
    const sources: ImportSource[] = [];
    const zips: File[] = [];
    for (const file of files) {
      if (!file.webkitRelativePath && isZip(file.name)) zips.push(file);
      else sources.push({ path: file.webkitRelativePath || file.name, file });
    }
    await this.#import(sources, zips);
  }

  async importDataTransfer(dt: DataTransfer): Promise<void> {
    const { entries, loose } = droppedEntries(dt);
    if (this.busy) {
      toasts.show('An import is already running; drop the files again when it has finished.');
      return;
    }
    if (loose.length > 0) return this.importFileList(loose);
    this.#begin();
    try {
      const dropped = await walkEntries(entries);
      const zips = dropped.filter((d) => d.topLevel && isZip(d.path)).map((d) => d.file);
      const sources = dropped.filter((d) => !(d.topLevel && isZip(d.path)));
      await this.#import(sources, zips, true);
    } catch (error) {
      this.error = `Couldn't read the dropped files: ${errorMessage(error)}`;
      this.busy = false;
    }
  }

  #begin(): void {
    this.busy = true;
    this.dialogOpen = true;
    this.report = null;
    this.error = null;
    this.progress = { phase: 'preparing', done: 0, total: 0 };
  }

  async #import(files: ImportSource[], zips: File[], begun = false): Promise<void> {
    if (this.busy && !begun) return;
    if (!begun) this.#begin();
    const total = files.length;
    this.progress = { phase: 'preparing', done: 0, total };
    await this.#run(async (client, stopped) => {
      const importId = ++this.#importSeq;
      for (let start = 0; start < total && !stopped(); start += stageBatchFiles) {
        const batch = files.slice(start, start + stageBatchFiles);
        const done = await client.call('stageFiles', { importId, files: batch });
        if (!stopped()) this.progress = { phase: 'preparing', done, total };
      }
      // Cancelled while staging: the worker must never be asked to import.
      if (stopped()) throw new ImportCancelled();
      return client.call('importFiles', { files: [], zips, stagedId: importId });
    });
  }

  /** Runs one import in the worker, mirroring its progress, until it reports, fails or is cancelled. */
  async #run(
    work: (
      client: RpcClient<VaultHandlers, VaultEvents>,
      stopped: () => boolean,
    ) => Promise<ImportReport>,
  ): Promise<void> {
    const client = this.#ensureClient();
    const stop = client.on('progress', (progress) => (this.progress = progress));
    let stopped = false;
    const cancelled = new Promise<never>((_, reject) => {
      this.#cancel = {
        // First: no further request may start an import the worker would not know to cancel.
        stopStaging: () => (stopped = true),
        confirm: () => reject(new ImportCancelled()),
      };
    });
    const job = work(client, () => stopped);
    // Once cancelled, the job's own rejection (ImportCancelled from the worker) is expected.
    job.catch(() => undefined);
    try {
      this.report = await Promise.race([job, cancelled]);
    } catch (error) {
      if (error instanceof ImportCancelled) {
        this.dialogOpen = false;
        toasts.show('Import cancelled. Nothing was imported.');
      } else {
        this.error = errorMessage(error);
        if (error instanceof Error && error.name === 'WorkerCrashed') this.#dropClient();
        // A full disk can make the browser discard the whole database; that must show at once.
        void vaultLoss.recheck();
      }
    } finally {
      stop();
      this.#cancel = null;
      this.busy = false;
    }
  }

  /**
   * Asks the worker to stop. It answers at once: either it stopped before writing anything, or
   * saving had begun and the import finishes (its report then shows what was stored).
   */
  async cancel(): Promise<void> {
    const cancel = this.#cancel;
    if (!cancel || this.#cancelling) return;
    this.#cancelling = true;
    cancel.stopStaging();
    try {
      const answer = await this.#ensureClient().call('cancelImport', {});
      if (answer === 'too-late')
        toasts.show('Saving had already begun, so the import will finish.');
      else cancel.confirm();
    } catch (error) {
      toasts.error(`Couldn't cancel the import: ${errorMessage(error)}`);
    } finally {
      this.#cancelling = false;
    }
  }

  close(): void {
    if (this.busy) return;
    this.dialogOpen = false;
    this.report = null;
    this.error = null;
    this.progress = null;
  }

  async exportVault(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      // The open editors' last keystrokes belong in the export: save them first.
      const unsaved = await editorSessions.flushAll();
      if (unsaved.length > 0)
        toasts.error(
          `The export leaves out text that could not be saved in ${unsaved.map((t) => `“${t}”`).join(', ')}.`,
        );
      const zip = await this.#ensureClient().call('exportZip', {});
      downloadBlob(zip, `hearth-export-${localDateKey()}.zip`);
      toasts.show(`Exported your vault (${formatMegabytes(zip.size)}).`);
    } catch (error) {
      toasts.error(`Export failed: ${errorMessage(error)}`);
    } finally {
      this.busy = false;
    }
  }

  #ensureClient(): RpcClient<VaultHandlers, VaultEvents> {
    this.#client ??= new RpcClient<VaultHandlers, VaultEvents>(
      new Worker(new URL('../../workers/vault.worker.ts', import.meta.url), { type: 'module' }),
    );
    return this.#client;
  }

  #dropClient(): void {
    this.#client?.terminate();
    this.#client = null;
  }
}

export const vaultIo = new VaultIo();
