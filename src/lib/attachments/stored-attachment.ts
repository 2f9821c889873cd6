// An attachment as read, turned into the rows the store keeps: its list row, one text row per
// file, and its pieces for retrieval (not embedded yet: indexing fills them in afterwards).
import type { ChatAttachmentDocRecord } from '../db/db';
import type { StoredAttachment } from '../db/chat-attachments-repo';
import type { ReadAttachment } from './attachment-types';
import { chunkDocParts } from './attachment-chunks';
import { breather } from './breathing';
import { chunkRecord } from './doc-chunks';

export async function storedAttachment(
  conversationId: string,
  read: ReadAttachment,
  id: string = crypto.randomUUID(),
  now: number = Date.now(),
): Promise<StoredAttachment> {
  const docs: ChatAttachmentDocRecord[] = read.docs.map((doc, n) => ({
    id: `${id}|${n}`,
    attachmentId: id,
    conversationId,
    path: doc.path,
    format: doc.format,
    text: doc.text,
    sizeBytes: doc.sizeBytes,
    ...(doc.pages ? { pages: doc.pages, pageCount: doc.pageCount } : {}),
  }));
  const chunks: StoredAttachment['chunks'] = [];
  const breathe = breather();
  for (const [n, doc] of docs.entries()) {
    let seq = 0;
    for (const part of chunkDocParts(read.docs[n]!)) {
      for (const chunk of part) {
        chunks.push(chunkRecord(doc, seq, chunk));
        seq++;
      }
      await breathe();
    }
  }
  return {
    attachment: {
      id,
      conversationId,
      name: read.name,
      kind: read.kind,
      sizeBytes: read.sizeBytes,
      fileCount: docs.length,
      pageCount: read.docs.reduce((sum, doc) => sum + (doc.pages?.length ?? 0), 0),
      textChars: read.docs.reduce((sum, doc) => sum + doc.text.length, 0),
      refused: read.refused,
      refusedCount: read.refusedCount,
      skippedCount: read.skippedCount,
      createdAt: now,
      indexedBy: null,
    },
    docs,
    chunks,
  };
}
