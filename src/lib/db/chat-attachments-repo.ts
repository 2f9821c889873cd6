// Files attached to a chat: one list row per attachment, the text of each file, and the pieces
// retrieval ranks (with their embeddings once indexed). All three are keyed by conversation, so
// deleting a conversation's attachments is three index deletes in one transaction.
import { liveQuery } from 'dexie';
import {
  getDb,
  type ChatAttachmentChunkRecord,
  type ChatAttachmentDocRecord,
  type ChatAttachmentRecord,
} from './db';
import { guardQuota } from './quota';

export interface StoredAttachment {
  attachment: ChatAttachmentRecord;
  docs: ChatAttachmentDocRecord[];
  chunks: ChatAttachmentChunkRecord[];
}

const tables = () => {
  const db = getDb();
  return [db.chatAttachments, db.chatAttachmentDocs, db.chatAttachmentChunks] as const;
};

/** Stores an attachment with its text and pieces, all or nothing. */
export async function saveChatAttachment({
  attachment,
  docs,
  chunks,
}: StoredAttachment): Promise<void> {
  const db = getDb();
  await guardQuota(`the attachment “${attachment.name}”`, () =>
    db.transaction('rw', tables(), async () => {
      await db.chatAttachments.put(attachment);
      await db.chatAttachmentDocs.bulkPut(docs);
      await db.chatAttachmentChunks.bulkPut(chunks);
    }),
  );
}

/** Oldest first. */
export async function listChatAttachments(conversationId: string): Promise<ChatAttachmentRecord[]> {
  const rows = await getDb()
    .chatAttachments.where('conversationId')
    .equals(conversationId)
    .toArray();
  return rows.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
}

export function observeChatAttachments(
  conversationId: string,
  onChange: (rows: ChatAttachmentRecord[]) => void,
  onError: (error: unknown) => void,
): () => void {
  const subscription = liveQuery(() => listChatAttachments(conversationId)).subscribe({
    next: onChange,
    error: onError,
  });
  return () => subscription.unsubscribe();
}

export function docsOfConversation(conversationId: string): Promise<ChatAttachmentDocRecord[]> {
  return getDb().chatAttachmentDocs.where('conversationId').equals(conversationId).toArray();
}

export function chunksOfConversation(conversationId: string): Promise<ChatAttachmentChunkRecord[]> {
  return getDb().chatAttachmentChunks.where('conversationId').equals(conversationId).toArray();
}

export async function docsAndChunksOf(
  attachmentId: string,
): Promise<{ docs: ChatAttachmentDocRecord[]; chunks: ChatAttachmentChunkRecord[] }> {
  const db = getDb();
  return db.transaction('r', db.chatAttachmentDocs, db.chatAttachmentChunks, async () => ({
    docs: await db.chatAttachmentDocs.where('attachmentId').equals(attachmentId).toArray(),
    chunks: await db.chatAttachmentChunks.where('attachmentId').equals(attachmentId).toArray(),
  }));
}

/**
 * Stores embeddings on pieces of one attachment; `indexedBy` is set once every piece has one by
 * that model. Returns false, writing nothing, when the attachment was removed meanwhile.
 */
export async function saveChunkVectors(
  attachmentId: string,
  modelId: string,
  vectors: { id: string; q: Int8Array; scale: number }[],
  complete: boolean,
): Promise<boolean> {
  const db = getDb();
  return guardQuota('the attachment’s index', () =>
    db.transaction('rw', db.chatAttachments, db.chatAttachmentChunks, async () => {
      const attachment = await db.chatAttachments.get(attachmentId);
      if (!attachment) return false;
      await db.chatAttachmentChunks.bulkUpdate(
        vectors.map(({ id, q, scale }) => ({
          key: id,
          changes: { vector: { modelId, q, scale } },
        })),
      );
      if (complete) await db.chatAttachments.update(attachmentId, { indexedBy: modelId });
      return true;
    }),
  );
}

export async function removeChatAttachment(id: string): Promise<void> {
  const db = getDb();
  await db.transaction('rw', tables(), async () => {
    await db.chatAttachmentChunks.where('attachmentId').equals(id).delete();
    await db.chatAttachmentDocs.where('attachmentId').equals(id).delete();
    await db.chatAttachments.delete(id);
  });
}

export interface DeletedAttachments {
  attachments: ChatAttachmentRecord[];
  docs: ChatAttachmentDocRecord[];
  chunks: ChatAttachmentChunkRecord[];
}

/**
 * Deletes every attachment of a conversation (rows, text, pieces, embeddings) in one transaction.
 * Returns what was deleted so the conversation's Undo can put it back with the conversation.
 */
export async function deleteConversationAttachments(
  conversationId: string,
): Promise<DeletedAttachments> {
  const db = getDb();
  return db.transaction('rw', tables(), async () => {
    const [attachments, docs, chunks] = await Promise.all(
      tables().map((table) => table.where('conversationId').equals(conversationId).toArray()),
    );
    await Promise.all(
      tables().map((table) => table.where('conversationId').equals(conversationId).delete()),
    );
    return {
      attachments: attachments as ChatAttachmentRecord[],
      docs: docs as ChatAttachmentDocRecord[],
      chunks: chunks as ChatAttachmentChunkRecord[],
    };
  });
}

export async function restoreConversationAttachments(deleted: DeletedAttachments): Promise<void> {
  if (deleted.attachments.length === 0) return;
  const db = getDb();
  await guardQuota('the chat’s attachments', () =>
    db.transaction('rw', tables(), async () => {
      await db.chatAttachments.bulkPut(deleted.attachments);
      await db.chatAttachmentDocs.bulkPut(deleted.docs);
      await db.chatAttachmentChunks.bulkPut(deleted.chunks);
    }),
  );
}
