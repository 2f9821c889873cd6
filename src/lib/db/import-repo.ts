// Storage side of import and export. An import is applied in a single transaction over `notes`
// and `bodies`: it either lands whole or not at all, so a full disk, a conflict or a closed tab
// leaves the vault exactly as it was.
import type { NoteWithContent } from '../types';
import type { ExistingIndex, ExistingNote } from '../vault/import-plan';
import { ImportFailedError, StorageFullError, isQuotaError } from '../errors';
import { splitRecord } from '../vault/note-record';
import { getDb } from './db';

/** Records written per bulkPut, so progress can be reported while the transaction runs. */
const writeBatchSize = 500;

export class ImportStorageFullError extends StorageFullError {
  constructor(fileCount: number, options?: ErrorOptions) {
    super('the import', options);
    const files = fileCount === 1 ? 'the file was' : `none of the ${fileCount} files were`;
    this.message =
      `Import failed: this browser's storage for Hearth is full, so ${files} imported and your ` +
      'vault is unchanged. Free space (empty the trash, export and delete old notes) or allow ' +
      'more storage, then try again.';
  }
}

export class VaultChangedError extends ImportFailedError {
  override name = 'VaultChangedError';
  constructor(path: string) {
    super(
      `“${path}” changed while the import was running. Nothing was imported; please try again.`,
    );
  }
}

/** Every note's path (trashed ones included) with what an import needs to match against it. */
export async function readExistingIndex(): Promise<Map<string, ExistingNote>> {
  const notes = await getDb().notes.toArray();
  return new Map(
    notes.map((n) => [
      n.path,
      {
        id: n.id,
        hash: n.hash,
        createdAt: n.createdAt,
        deletedAt: n.deletedAt,
        importedHash: n.importedHash,
      },
    ]),
  );
}

export interface ApplyOptions {
  /** The index the records were planned against; the write is refused if the vault moved on. */
  plannedAgainst: ExistingIndex;
  onProgress?: (written: number, total: number) => void;
}

/** Writes new and updated notes atomically. Records keep the id of the note they update. */
export async function applyImport(
  records: readonly NoteWithContent[],
  options: ApplyOptions,
): Promise<void> {
  if (records.length === 0) return;
  const db = getDb();
  try {
    await db.transaction('rw', db.notes, db.bodies, async () => {
      const current = await db.notes
        .where('path')
        .anyOf(records.map((r) => r.path))
        .toArray();
      const currentByPath = new Map(current.map((n) => [n.path, n]));
      for (const record of records) {
        const now = currentByPath.get(record.path);
        const planned = options.plannedAgainst.get(record.path);
        if (now?.id !== planned?.id || now?.hash !== planned?.hash)
          throw new VaultChangedError(record.path);
      }
      // Stamped here, not when planned: the search index's watermark relies on updatedAt
      // following commit order. Trash state is whatever it is now, not what it was at planning.
      const stampedAt = Date.now();
      const stamped = records.map((record) => ({
        ...record,
        updatedAt: stampedAt,
        deletedAt: currentByPath.get(record.path)?.deletedAt ?? record.deletedAt,
      }));
      for (let start = 0; start < stamped.length; start += writeBatchSize) {
        const batch = stamped.slice(start, start + writeBatchSize).map(splitRecord);
        await db.notes.bulkPut(batch.map((r) => r.note));
        await db.bodies.bulkPut(batch.map((r) => r.body));
        options.onProgress?.(Math.min(start + writeBatchSize, records.length), records.length);
      }
    });
  } catch (error) {
    if (isQuotaError(error)) throw new ImportStorageFullError(records.length, { cause: error });
    throw error;
  }
}

/** Every live (not trashed) note with its exact text, for export. */
export async function readLiveNotes(): Promise<NoteWithContent[]> {
  const db = getDb();
  return db.transaction('r', db.notes, db.bodies, async () => {
    const notes = await db.notes.where('deletedAt').equals(0).toArray();
    const bodies = await db.bodies.bulkGet(notes.map((n) => n.id));
    return notes.map((note, i) => ({ ...note, content: bodies[i]?.content ?? '' }));
  });
}
