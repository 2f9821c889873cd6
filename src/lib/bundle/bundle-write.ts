// Writing a bundle (format 3, or 4 with model files): each part of the user's state goes into the
// zip as it is read, with its SHA-256, and the manifest goes in last, listing every entry. Notes
// and vault attachments keep their exact bytes at their own paths under `notes/`, so an unzipped
// bundle is a folder any Markdown tool opens; everything else is JSON Lines, one record per line.
// Model files (`models/`) go in stored, by reference to the Blobs the cache holds.
import type {
  AttachmentRecord,
  ChatAttachmentDocRecord,
  ChatAttachmentRecord,
  DraftRecord,
  MemoryRecord,
  RequestRecord,
} from '../db/db';
import type { ConversationRecord, MessageRecord } from '../db/chat-records';
import type { InstalledModel } from '../llm/types';
import { ZipBlobWriter } from '../vault/zip-writer';
import {
  bundleFormat,
  bundlePaths,
  manifestPath,
  type BundleManifest,
  type CountKind,
  type NoteRow,
} from './bundle-format';
import { sha256Bytes } from '../vault/hash';
import { isCompressible } from '../vault/mime';
import { writeIndexPart, type IndexSource } from './index-write';
import { modelEntryPath, modelsFormat } from './models-part';
import { HearthError } from '../errors';

export interface BundleNote extends NoteRow {
  content: string;
}

export interface BundleAttachment extends AttachmentRecord {
  /** The file's bytes, read when the writer reaches it (one attachment in memory at a time). */
  bytes(): Promise<Uint8Array>;
}

/** One recorded file of an installed model, carried under `models/` (see models-part.ts). */
export interface BundleModelFile {
  modelKey: string;
  modelName: string;
  /** Its path as the model's record has it (`pin.files`), with its size and SHA-256. */
  path: string;
  sizeBytes: number;
  sha256: string;
  /** The stored file (a disk-backed Blob, never read whole), or null when it is gone. */
  blob(): Promise<Blob | null>;
}

/** Everything a bundle holds, as the store hands it over. */
export interface BundleSource {
  notes: AsyncIterable<BundleNote> | Iterable<BundleNote>;
  attachments: AsyncIterable<BundleAttachment> | Iterable<BundleAttachment>;
  conversations: ConversationRecord[];
  messages: MessageRecord[];
  chatAttachments: ChatAttachmentRecord[];
  chatDocuments: ChatAttachmentDocRecord[];
  memories: MemoryRecord[];
  drafts: DraftRecord[];
  settings: Record<string, unknown>;
  models: InstalledModel[];
  ledger: RequestRecord[];
  /** The semantic index of one embedding model, when it is to be included (`index/`). */
  index?: IndexSource | null;
  /** The installed models' files, when they are to be included (`models/`). */
  modelFiles?: BundleModelFile[] | null;
}

export interface WriteOptions {
  appVersion: string;
  now?: Date;
  /** Called after each entry with the entries written so far. */
  onProgress?: (written: number) => void;
  /** Stops the writing at the next entry (the user cancelled). */
  signal?: AbortSignal;
}

const encoder = new TextEncoder();

const jsonl = (rows: readonly unknown[]): Uint8Array =>
  encoder.encode(rows.map((row) => `${JSON.stringify(row)}\n`).join(''));

export async function writeBundle(
  source: BundleSource,
  options: WriteOptions,
): Promise<{ blob: Blob; manifest: BundleManifest }> {
  const zip = new ZipBlobWriter();
  const entries: BundleManifest['entries'] = [];
  const add = async (path: string, bytes: Uint8Array, compress: boolean, modifiedAt?: number) => {
    options.signal?.throwIfAborted();
    await zip.add(path, bytes, { compress, modifiedAt });
    entries.push({ path, bytes: bytes.length, sha256: await sha256Bytes(bytes) });
    options.onProgress?.(entries.length);
  };

  const noteRows: NoteRow[] = [];
  for await (const note of source.notes) {
    const { content, ...row } = note;
    noteRows.push(row);
    await add(
      `${bundlePaths.noteFiles}${note.path}`,
      encoder.encode(content),
      true,
      note.updatedAt,
    );
  }
  await add(bundlePaths.notes, jsonl(noteRows), true);

  const attachmentRows: AttachmentRecord[] = [];
  for await (const attachment of source.attachments) {
    const { id, path, name, mime, sizeBytes, hash, createdAt, updatedAt, deletedAt } = attachment;
    attachmentRows.push({ id, path, name, mime, sizeBytes, hash, createdAt, updatedAt, deletedAt });
    await add(
      `${bundlePaths.noteFiles}${attachment.path}`,
      await attachment.bytes(),
      isCompressible(attachment.mime),
      attachment.updatedAt,
    );
  }
  await add(bundlePaths.attachments, jsonl(attachmentRows), true);

  await add(bundlePaths.conversations, jsonl(source.conversations), true);
  await add(bundlePaths.messages, jsonl(source.messages), true);
  await add(bundlePaths.chatAttachments, jsonl(source.chatAttachments), true);
  const documentRows = source.chatDocuments.map(({ text: _text, ...row }) => row);
  await add(bundlePaths.chatDocuments, jsonl(documentRows), true);
  for (const doc of source.chatDocuments)
    await add(`${bundlePaths.chatDocumentFiles}${doc.id}.txt`, encoder.encode(doc.text), true);
  await add(bundlePaths.memories, jsonl(source.memories), true);
  await add(bundlePaths.drafts, jsonl(source.drafts), true);
  await add(
    bundlePaths.settings,
    encoder.encode(`${JSON.stringify(source.settings, null, 2)}\n`),
    true,
  );
  await add(
    bundlePaths.models,
    encoder.encode(`${JSON.stringify(source.models, null, 2)}\n`),
    true,
  );
  await add(bundlePaths.ledger, jsonl(source.ledger), true);
  if (source.index) await writeIndexPart(source.index, add);
  for (const file of source.modelFiles ?? []) {
    options.signal?.throwIfAborted();
    await addModelFile(zip, file);
    // The SHA-256 recorded when the file arrived: the read-back below proves the bytes have it.
    entries.push({
      path: modelEntryPath(file.modelKey, file.path)!,
      bytes: file.sizeBytes,
      sha256: file.sha256.toLowerCase(),
    });
    options.onProgress?.(entries.length);
  }

  const counts: Record<CountKind, number> = {
    notes: noteRows.length,
    attachments: attachmentRows.length,
    conversations: source.conversations.length,
    messages: source.messages.length,
    chatAttachments: source.chatAttachments.length,
    chatDocuments: source.chatDocuments.length,
    memories: source.memories.length,
    drafts: source.drafts.length,
    settings: Object.keys(source.settings).length,
    models: source.models.length,
    ledger: source.ledger.length,
  };
  const manifest: BundleManifest = {
    format: source.modelFiles?.length ? modelsFormat : bundleFormat,
    app: 'Hearth',
    appVersion: options.appVersion,
    createdAt: (options.now ?? new Date()).toISOString(),
    counts,
    entries,
  };
  await zip.add(manifestPath, encoder.encode(`${JSON.stringify(manifest, null, 2)}\n`), {
    compress: true,
  });
  return { blob: zip.finish(), manifest };
}

/**
 * A model file goes in stored, as the Blob the cache holds: the zip references it, so a file of
 * gigabytes is read once for its CRC-32, a slice at a time, and never held in memory.
 */
async function addModelFile(zip: ZipBlobWriter, file: BundleModelFile): Promise<void> {
  const name = modelEntryPath(file.modelKey, file.path);
  if (!name) throw new HearthError(`“${file.path}” of ${file.modelName} cannot go in a backup.`);
  const blob = await file.blob();
  const again = 'Back up without the models, or delete it and download or import it again.';
  if (!blob)
    throw new HearthError(
      `“${file.path}” of ${file.modelName} is no longer stored on this device. ${again}`,
    );
  if (blob.size !== file.sizeBytes)
    throw new HearthError(
      `“${file.path}” of ${file.modelName} is not the file recorded when it arrived (its size ` +
        `changed). ${again}`,
    );
  await zip.addBlob(name, blob);
}
