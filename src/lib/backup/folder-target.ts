// A folder the user picked (File System Access API) as the place scheduled backups go: a backup
// is written, read back and compared byte for byte (SHA-256) before any older one is deleted, and
// only files Hearth named are ever deleted.
import { HearthError } from '../errors';
import { sha256Bytes } from '../vault/hash';
import { isScheduledBackup, toPrune } from './backup-schedule';

export class FolderPermissionError extends HearthError {
  override name = 'FolderPermissionError';
  constructor() {
    super('Hearth may no longer write to the backup folder: allow it again in Settings.');
  }
}

type Permissioned = FileSystemDirectoryHandle & {
  queryPermission?(options: { mode: 'readwrite' }): Promise<PermissionState>;
  requestPermission?(options: { mode: 'readwrite' }): Promise<PermissionState>;
  keys(): AsyncIterable<string>;
};

/** Whether Hearth may write to the folder now, without asking. */
export async function canWrite(folder: FileSystemDirectoryHandle): Promise<boolean> {
  const handle = folder as Permissioned;
  if (!handle.queryPermission) return true;
  return (await handle.queryPermission({ mode: 'readwrite' })) === 'granted';
}

/** Asks for write access again (needs a click: browsers forget it between sessions). */
export async function askToWrite(folder: FileSystemDirectoryHandle): Promise<boolean> {
  const handle = folder as Permissioned;
  if (!handle.requestPermission) return true;
  return (await handle.requestPermission({ mode: 'readwrite' })) === 'granted';
}

export interface WrittenBackup {
  name: string;
  bytes: number;
  /** Older backups deleted after this one was verified. */
  pruned: string[];
}

/** Writes `blob` as `name`, verifies it, then deletes older scheduled backups beyond `keep`. */
export async function writeBackup(
  folder: FileSystemDirectoryHandle,
  name: string,
  blob: Blob,
  keep: number,
): Promise<WrittenBackup> {
  if (!(await canWrite(folder))) throw new FolderPermissionError();
  const expected = await sha256Bytes(new Uint8Array(await blob.arrayBuffer()));
  const handle = await folder.getFileHandle(name, { create: true });
  const writable = await handle.createWritable();
  try {
    await writable.write(blob);
    await writable.close();
  } catch (error) {
    await writable.abort().catch(() => undefined);
    await folder.removeEntry(name).catch(() => undefined);
    throw error;
  }
  const written = await handle.getFile();
  const actual = await sha256Bytes(new Uint8Array(await written.arrayBuffer()));
  if (written.size !== blob.size || actual !== expected) {
    await folder.removeEntry(name).catch(() => undefined);
    throw new HearthError(
      `The backup written to the folder did not read back the same (${written.size} of ${blob.size} bytes). Older backups were kept.`,
    );
  }
  const names: string[] = [];
  for await (const entry of (folder as Permissioned).keys())
    if (isScheduledBackup(entry)) names.push(entry);
  const pruned = toPrune(names, keep, name);
  for (const old of pruned) await folder.removeEntry(old);
  return { name, bytes: blob.size, pruned };
}
