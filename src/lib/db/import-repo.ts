// Storage side of import and export. An import is applied in a single transaction over `notes`,
// `bodies`, `attachments` and `attachmentBlobs`: it either lands whole or not at all, so a full
// disk, a conflict or a closed tab leaves the vault exactly as it was.
import type { ExistingIndex, ExistingNote, NoteWithContent } from '../types';
import { ImportFailedError, StorageFullError, isRefusedWrite } from '../errors';
import { splitRecord } from './note-rows';
import { getDb } from './db';
import { attachmentRows, type AttachmentWrite, type ExistingAttachment } from './attachments-repo';

/** Records written per bulkPut, so progress can be reported while the transaction runs. */
const writeBatchSize = 500;
/** Attachments per bulkPut: few, as each may carry up to 100 MB. */
const attachmentBatchSize = 20;

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
  /** New and changed attachments (records keep the id they update), and what they were planned against. */
  attachments?: {
    writes: readonly AttachmentWrite[];
    plannedAgainst: ReadonlyMap<string, ExistingAttachment>;
  };
  /** Notes and attachments written so far, of all of them. */
  onProgress?: (written: number, total: number) => void;
}

/**
 * Writes new and updated notes and attachments atomically. Records keep the id of the note or
 * attachment they update.
 */
export async function applyImport(
  records: readonly NoteWithContent[],
  options: ApplyOptions,
): Promise<void> {
  const attachments = options.attachments?.writes ?? [];
  const total = records.length + attachments.length;
  if (total === 0) return;
  const db = getDb();
  try {
    await db.transaction(
      'rw',
      [db.notes, db.bodies, db.attachments, db.attachmentBlobs],
      async () => {
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
          options.onProgress?.(Math.min(start + writeBatchSize, records.length), total);
        }
        if (options.attachments)
          await writeAttachments(options.attachments, records.length, total, options.onProgress);
      },
    );
  } catch (error) {
    if (isRefusedWrite(error)) throw new ImportStorageFullError(total, { cause: error });
    throw error;
  }
}

/** The attachment half of `applyImport`, inside its transaction. */
async function writeAttachments(
  attachments: NonNullable<ApplyOptions['attachments']>,
  writtenBefore: number,
  total: number,
  onProgress: ApplyOptions['onProgress'],
): Promise<void> {
  const db = getDb();
  const { writes, plannedAgainst } = attachments;
  const current = await db.attachments
    .where('path')
    .anyOf(writes.map((w) => w.record.path))
    .toArray();
  const currentByPath = new Map(current.map((a) => [a.path, a]));
  for (const { record } of writes) {
    const now = currentByPath.get(record.path);
    const planned = plannedAgainst.get(record.path);
    if (now?.id !== planned?.id || now?.hash !== planned?.hash)
      throw new VaultChangedError(record.path);
  }
  const stampedAt = Date.now();
  for (let start = 0; start < writes.length; start += attachmentBatchSize) {
    const batch = writes.slice(start, start + attachmentBatchSize).map((write) =>
      attachmentRows({
        blob: write.blob,
        record: {
          ...write.record,
          updatedAt: stampedAt,
          deletedAt: currentByPath.get(write.record.path)?.deletedAt ?? write.record.deletedAt,
        },
      }),
    );
    await db.attachments.bulkPut(batch.map((r) => r.record));
    await db.attachmentBlobs.bulkPut(batch.map((r) => r.blob));
    onProgress?.(writtenBefore + Math.min(start + attachmentBatchSize, writes.length), total);
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
