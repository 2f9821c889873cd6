// Bringing another assistant's history home: the export (ChatGPT's or Claude's zip, or the
// `conversations.json` in it) read and recognised, then turned into Hearth's conversations,
// messages (every branch kept as versions) and chat attachments. Pure apart from reading the file:
// the store writes the result in one transaction (db/history-repo.ts).
import type {
  ChatAttachmentChunkRecord,
  ChatAttachmentDocRecord,
  ChatAttachmentRecord,
} from '../db/db';
import type { ConversationRecord, MessageRecord } from '../db/chat-records';
import { HearthError } from '../errors';
import { readZipBlob } from '../vault/zip-slices';
import { isChatGptExport, readChatGptConversation } from './chatgpt-history';
import { isClaudeExport, readClaudeConversation } from './claude-history';
import { threadOf, type HistoryConversation } from './history-tree';
import { emptyCounts, type HistoryCounts } from './history-types';
import { chunksOfDoc } from '../attachments/doc-chunks';

export class HistoryFormatError extends HearthError {
  override name = 'HistoryFormatError';
}

export interface ImportedHistory {
  source: 'chatgpt' | 'claude';
  conversations: ConversationRecord[];
  messages: MessageRecord[];
  chatAttachments: ChatAttachmentRecord[];
  chatDocuments: ChatAttachmentDocRecord[];
  chatChunks: ChatAttachmentChunkRecord[];
  counts: HistoryCounts;
}

/** The largest `conversations.json` read (the whole history of a heavy user is tens of MB). */
export const maxHistoryBytes = 512 * 1024 * 1024;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The `conversations.json` of an export zip, or the file itself when it is JSON. */
async function jsonOf(file: Blob): Promise<unknown> {
  const head = new Uint8Array(await file.slice(0, 4).arrayBuffer());
  let bytes: Uint8Array;
  if (head[0] === 0x50 && head[1] === 0x4b) {
    const entries = await readZipBlob(file).catch((error: unknown) => {
      throw new HistoryFormatError(
        `This zip can't be read (${error instanceof Error ? error.message : String(error)}).`,
      );
    });
    const entry =
      entries.find((e) => e.path === 'conversations.json') ??
      entries.find((e) => e.path.endsWith('/conversations.json'));
    if (!entry)
      throw new HistoryFormatError(
        'This zip has no conversations.json: pick the export ChatGPT or Claude sent you.',
      );
    if (entry.sizeBytes > maxHistoryBytes)
      throw new HistoryFormatError('Its conversations.json is larger than Hearth reads (512 MB).');
    bytes = await entry.read();
  } else {
    if (file.size > maxHistoryBytes)
      throw new HistoryFormatError('This file is larger than Hearth reads (512 MB).');
    bytes = new Uint8Array(await file.arrayBuffer());
  }
  try {
    return JSON.parse(utf8.decode(bytes)) as unknown;
  } catch {
    throw new HistoryFormatError(
      'This is not a JSON export: its conversations.json does not parse.',
    );
  }
}

function conversationRecord(c: HistoryConversation, messages: MessageRecord[]): ConversationRecord {
  const last = messages.at(-1)?.createdAt ?? c.updatedAt;
  return {
    id: c.id,
    title: c.title,
    createdAt: c.createdAt,
    updatedAt: Math.max(c.updatedAt, last),
  };
}

/** Reads an export and converts every conversation in it; throws HistoryFormatError when it is none. */
export async function readHistory(file: Blob): Promise<ImportedHistory> {
  const json = await jsonOf(file);
  const counts = emptyCounts();
  const out: ImportedHistory = {
    source: 'chatgpt',
    conversations: [],
    messages: [],
    chatAttachments: [],
    chatDocuments: [],
    chatChunks: [],
    counts,
  };
  const seen = new Set<string>();
  /** Adds a conversation; false when it is skipped (listed twice, or nothing to show). */
  const add = (conversation: HistoryConversation): boolean => {
    // An export listing a conversation twice: the first is kept.
    if (seen.has(conversation.id)) {
      counts.skippedConversations++;
      return false;
    }
    seen.add(conversation.id);
    const messages = threadOf(conversation);
    if (messages.length === 0) {
      counts.skippedConversations++;
      return false;
    }
    out.conversations.push(conversationRecord(conversation, messages));
    out.messages.push(...messages);
    return true;
  };
  if (isChatGptExport(json)) {
    for (const raw of json) {
      const conversation = readChatGptConversation(raw, counts);
      if (conversation) add(conversation);
    }
  } else if (isClaudeExport(json)) {
    out.source = 'claude';
    for (const raw of json) {
      const read = readClaudeConversation(raw, counts);
      if (!read || !add(read.conversation)) continue;
      for (const [i, file] of read.files.entries()) {
        const conversationId = read.conversation.id;
        const id = `${conversationId}:file:${file.messageId}:${i}`;
        const sizeBytes = new TextEncoder().encode(file.text).length;
        out.chatAttachments.push({
          id,
          conversationId,
          name: file.name,
          kind: 'file',
          sizeBytes,
          fileCount: 1,
          pageCount: 0,
          textChars: file.text.length,
          refused: [],
          refusedCount: 0,
          skippedCount: 0,
          createdAt: file.createdAt,
          indexedBy: null,
        });
        out.chatDocuments.push({
          id: `${id}:doc`,
          attachmentId: id,
          conversationId,
          path: file.name,
          format: 'text',
          text: file.text,
          sizeBytes,
        });
      }
    }
  } else {
    throw new HistoryFormatError(
      'This is neither a ChatGPT nor a Claude export: Hearth reads the conversations.json they ' +
        'send (or the zip it comes in).',
    );
  }
  // Cut into pieces like a file attached here, so a large one is found per question.
  out.chatChunks = out.chatDocuments.flatMap(chunksOfDoc);
  counts.conversations = out.conversations.length;
  counts.messages = out.messages.length;
  counts.attachments = out.chatAttachments.length;
  return out;
}
