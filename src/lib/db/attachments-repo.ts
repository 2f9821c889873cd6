// Attachments: every file of the vault that is not a note (images, PDFs, audio, anything).
// Metadata in `attachments` (path, name key, type, size, hash), bytes in `attachmentBlobs` as a
// Blob under the same id, so listing and matching never load bytes. Imports write both inside
// their one transaction (see import-repo.ts); this file reads them and clears them.
import { attachmentNameKey, pickAttachment, targetNameKeys } from '../attachment-links';
import { getDb, type AttachmentRecord } from './db';

export interface FoundAttachment {
  id: string;
  path: string;
  mime: string;
  sizeBytes: number;
  blob: Blob;
}

/**
 * The live attachment a link in the note at `fromNotePath` refers to (`img.png`, `../a/b.pdf`,
 * `My%20photo.png`, …; see `pickAttachment` for the order of the rules), with its bytes.
 */
export async function findAttachment(
  target: string,
  fromNotePath: string,
): Promise<FoundAttachment | undefined> {
  const db = getDb();
  const keys = targetNameKeys(target);
  if (keys.length === 0) return undefined;
  const candidates = await db.attachments
    .where('name')
    .anyOf(keys)
    .filter((a) => a.deletedAt === 0)
    .toArray();
  const hit = pickAttachment(target, fromNotePath, candidates);
  if (!hit) return undefined;
  const stored = await db.attachmentBlobs.get(hit.id);
  if (!stored) return undefined;
  // The Blob's own type is what a blob: URL is served as.
  const blob =
    stored.blob.type === hit.mime ? stored.blob : stored.blob.slice(0, stored.blob.size, hit.mime);
  return { id: hit.id, path: hit.path, mime: hit.mime, sizeBytes: hit.sizeBytes, blob };
}

export type ExistingAttachment = Pick<AttachmentRecord, 'id' | 'hash' | 'createdAt' | 'deletedAt'>;

/** Every attachment's path (trashed ones included) with what an import matches against. */
export async function readAttachmentIndex(): Promise<Map<string, ExistingAttachment>> {
  const all = await getDb().attachments.toArray();
  return new Map(
    all.map((a) => [
      a.path,
      { id: a.id, hash: a.hash, createdAt: a.createdAt, deletedAt: a.deletedAt },
    ]),
  );
}

/** An attachment ready to store: its record (name key filled in here) and its bytes. */
export interface AttachmentWrite {
  record: Omit<AttachmentRecord, 'name'>;
  blob: Blob;
}

/** The stored form of one attachment write. */
export function attachmentRows(write: AttachmentWrite): {
  record: AttachmentRecord;
  blob: { id: string; blob: Blob };
} {
  return {
    record: { ...write.record, name: attachmentNameKey(write.record.path) },
    blob: { id: write.record.id, blob: write.blob },
  };
}

/** Live attachments' metadata, by path, for export. */
export async function readLiveAttachments(): Promise<AttachmentRecord[]> {
  const live = await getDb().attachments.where('deletedAt').equals(0).toArray();
  return live.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** One attachment's bytes; undefined when the record has none (never written, or wiped). */
export async function readAttachmentBlob(id: string): Promise<Blob | undefined> {
  return (await getDb().attachmentBlobs.get(id))?.blob;
}

/** How many attachments there are and their bytes, trashed ones included (they use space too). */
export async function attachmentTotals(): Promise<{ count: number; bytes: number }> {
  let count = 0;
  let bytes = 0;
  await getDb().attachments.each((a) => {
    count++;
    bytes += a.sizeBytes;
  });
  return { count, bytes };
}

/**
 * Deletes every attachment and its bytes. Inside a transaction that includes both tables (the
 * vault wipe), it joins that transaction, so the wipe stays all-or-nothing.
 */
export async function clearAttachments(): Promise<void> {
  const db = getDb();
  await db.transaction('rw', db.attachments, db.attachmentBlobs, async () => {
    await db.attachments.clear();
    await db.attachmentBlobs.clear();
  });
}
