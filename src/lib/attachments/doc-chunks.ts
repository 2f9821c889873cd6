// A chat attachment document's pieces as the store keeps them: cut by attachment-chunks.ts and
// named `<doc id>|<seq>`. Used when the pieces are made on attach, and again when a document
// arrives with its text alone (a restored backup, an imported Claude export), so it is found per
// question like a file attached here.
import type { ChatAttachmentChunkRecord, ChatAttachmentDocRecord } from '../db/db';
import { chunkDoc, type DocChunk } from './attachment-chunks';

export function chunkRecord(
  doc: Pick<ChatAttachmentDocRecord, 'id' | 'attachmentId' | 'conversationId'>,
  seq: number,
  chunk: DocChunk,
): ChatAttachmentChunkRecord {
  return {
    id: `${doc.id}|${seq}`,
    attachmentId: doc.attachmentId,
    conversationId: doc.conversationId,
    docId: doc.id,
    seq,
    ...chunk,
  };
}

/** Every piece of a stored document (none embedded yet: indexing fills them in). */
export function chunksOfDoc(doc: ChatAttachmentDocRecord): ChatAttachmentChunkRecord[] {
  return chunkDoc(doc).map((chunk, seq) => chunkRecord(doc, seq, chunk));
}
