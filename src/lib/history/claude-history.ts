// Claude's data export (`conversations.json`): an array of conversations, each with its
// `chat_messages` in order (`sender`: human or assistant). Recent exports give each message its
// `parent_message_uuid`, and the conversation its `current_leaf_message_uuid`, so edits and
// retries form branches; older ones are a plain list. Kept: the text blocks of each message, every
// branch, titles and times, and the text Claude extracted from attached files (as chat
// attachments). Left out, and counted: tool use and results, thinking blocks, and files without
// extracted text (images). Checked with a schema; a conversation that does not pass is skipped.
import * as v from 'valibot';
import type { HistoryConversation, HistoryNode } from './history-tree';
import type { HistoryCounts } from './history-types';

const text = v.pipe(v.string(), v.maxLength(10_000_000));
const iso = v.nullish(v.string());

const messageSchema = v.looseObject({
  uuid: v.pipe(v.string(), v.minLength(1), v.maxLength(200)),
  sender: v.string(),
  text: v.nullish(text),
  content: v.nullish(
    v.pipe(
      v.array(v.looseObject({ type: v.string(), text: v.nullish(text) })),
      v.maxLength(10_000),
    ),
  ),
  created_at: iso,
  parent_message_uuid: v.nullish(v.string()),
  attachments: v.nullish(
    v.pipe(
      v.array(
        v.looseObject({
          file_name: v.nullish(v.pipe(v.string(), v.maxLength(1024))),
          extracted_content: v.nullish(text),
        }),
      ),
      v.maxLength(1000),
    ),
  ),
  files: v.nullish(v.pipe(v.array(v.unknown()), v.maxLength(1000))),
});

export const claudeConversationSchema = v.looseObject({
  uuid: v.pipe(v.string(), v.minLength(1), v.maxLength(200)),
  name: v.nullish(v.pipe(v.string(), v.maxLength(2000))),
  created_at: iso,
  updated_at: iso,
  current_leaf_message_uuid: v.nullish(v.string()),
  chat_messages: v.pipe(v.array(messageSchema), v.maxLength(100_000)),
});

/** A file Claude read for a message, with the text it extracted. */
export interface ClaudeFile {
  messageId: string;
  name: string;
  text: string;
  createdAt: number;
}

export function isClaudeExport(value: unknown): value is unknown[] {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    typeof value[0] === 'object' &&
    value[0] !== null &&
    'chat_messages' in value[0]
  );
}

function ms(value: string | null | undefined, fallback: number): number {
  const t = value ? Date.parse(value) : NaN;
  return Number.isFinite(t) && t >= 0 ? t : fallback;
}

/** Claude's root parent id: a message whose parent is this (or absent) starts the conversation. */
const rootParent = '00000000-0000-4000-8000-000000000000';

export function readClaudeConversation(
  raw: unknown,
  counts: HistoryCounts,
): { conversation: HistoryConversation; files: ClaudeFile[] } | null {
  const parsed = v.safeParse(claudeConversationSchema, raw);
  if (!parsed.success) {
    counts.skippedConversations++;
    return null;
  }
  const c = parsed.output;
  const createdAt = ms(c.created_at, 0);
  const branched = c.chat_messages.some((m) => m.parent_message_uuid);
  const nodes: HistoryNode[] = [];
  const files: ClaudeFile[] = [];
  let previous: string | null = null;
  for (const m of c.chat_messages) {
    const at = ms(m.created_at, createdAt);
    const blocks = m.content ?? [];
    const parts: string[] = [];
    for (const block of blocks) {
      if (block.type === 'text' && block.text) parts.push(block.text);
      else if (block.type === 'tool_use' || block.type === 'tool_result') counts.toolMessages++;
      // Thinking and other block kinds are the model's workings, not the conversation.
    }
    const content = blocks.length > 0 ? parts.join('\n\n') : (m.text ?? '');
    const role = m.sender === 'human' ? 'user' : m.sender === 'assistant' ? 'assistant' : null;
    if (role === null) counts.systemMessages++;
    for (const file of m.attachments ?? []) {
      if (file.extracted_content)
        files.push({
          messageId: m.uuid,
          name: file.file_name?.trim() || 'attachment.txt',
          text: file.extracted_content,
          createdAt: at,
        });
      else counts.images++;
    }
    counts.images += m.files?.length ?? 0;
    const parent = branched
      ? m.parent_message_uuid && m.parent_message_uuid !== rootParent
        ? m.parent_message_uuid
        : null
      : previous;
    nodes.push({
      id: m.uuid,
      parent,
      role: role !== null && content.trim() !== '' ? role : null,
      content,
      createdAt: at,
    });
    previous = m.uuid;
  }
  return {
    conversation: {
      id: `claude:${c.uuid}`,
      title: c.name?.trim() || 'Imported from Claude',
      createdAt,
      updatedAt: ms(c.updated_at, createdAt),
      nodes,
      leaf: c.current_leaf_message_uuid ?? null,
    },
    files,
  };
}
