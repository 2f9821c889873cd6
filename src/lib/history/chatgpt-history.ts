// ChatGPT's data export (`conversations.json`, in the zip ChatGPT mails): an array of
// conversations, each a tree of message nodes (`mapping`: id → { message, parent, children }) with
// `current_node` the message the user last saw. Kept: the text of user and assistant messages,
// every branch, titles and times. Left out, and counted: images and other files (a marker stays in
// the text), tool calls and their results, system and hidden messages (custom instructions).
// Checked with a schema; a conversation that does not pass is skipped and counted, the rest come.
import * as v from 'valibot';
import type { HistoryConversation, HistoryNode } from './history-tree';
import type { HistoryCounts } from './history-types';

const text = v.pipe(v.string(), v.maxLength(10_000_000));
const time = v.nullish(v.pipe(v.number(), v.finite(), v.minValue(0), v.maxValue(1e11)));

const messageSchema = v.looseObject({
  author: v.looseObject({ role: v.string() }),
  create_time: time,
  content: v.looseObject({
    content_type: v.string(),
    parts: v.optional(v.pipe(v.array(v.unknown()), v.maxLength(10_000))),
    text: v.optional(text),
  }),
  recipient: v.optional(v.string()),
  metadata: v.optional(
    v.looseObject({ is_visually_hidden_from_conversation: v.optional(v.boolean()) }),
  ),
});

const nodeSchema = v.looseObject({
  id: v.optional(v.string()),
  message: v.nullish(messageSchema),
  parent: v.nullish(v.string()),
  children: v.optional(v.array(v.string())),
});

export const chatGptConversationSchema = v.looseObject({
  id: v.optional(v.string()),
  conversation_id: v.optional(v.string()),
  title: v.nullish(v.pipe(v.string(), v.maxLength(2000))),
  create_time: time,
  update_time: time,
  mapping: v.record(v.string(), nodeSchema),
  current_node: v.nullish(v.string()),
});

/** True when `value` looks like ChatGPT's export (a list of conversations with a `mapping`). */
export function isChatGptExport(value: unknown): value is unknown[] {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    typeof value[0] === 'object' &&
    value[0] !== null &&
    'mapping' in value[0]
  );
}

const seconds = (t: number | null | undefined, fallback: number) =>
  typeof t === 'number' ? Math.round(t * 1000) : fallback;

/** The text a message shows, with a marker for each image or file part left out. */
function contentOf(
  content: v.InferOutput<typeof messageSchema>['content'],
  counts: HistoryCounts,
): string | null {
  if (content.content_type === 'text' || content.content_type === 'multimodal_text') {
    const parts: string[] = [];
    for (const part of content.parts ?? []) {
      if (typeof part === 'string') parts.push(part);
      else {
        counts.images++;
        parts.push('[An image or file was here; it was not imported.]');
      }
    }
    return parts.join('\n');
  }
  // Code run by a tool, browsing, reasoning summaries, quotes: tool traffic, not the chat.
  return null;
}

export function readChatGptConversation(
  raw: unknown,
  counts: HistoryCounts,
): HistoryConversation | null {
  const parsed = v.safeParse(chatGptConversationSchema, raw);
  if (!parsed.success) {
    counts.skippedConversations++;
    return null;
  }
  const c = parsed.output;
  const sourceId = c.conversation_id ?? c.id;
  if (!sourceId) {
    counts.skippedConversations++;
    return null;
  }
  const createdAt = seconds(c.create_time, 0);
  const nodes: HistoryNode[] = [];
  for (const [key, node] of Object.entries(c.mapping)) {
    const message = node.message;
    let role: HistoryNode['role'] = null;
    let content = '';
    if (message) {
      const author = message.author.role;
      const hidden = message.metadata?.is_visually_hidden_from_conversation === true;
      const toTool = message.recipient !== undefined && message.recipient !== 'all';
      if (author === 'tool' || toTool) counts.toolMessages++;
      else if (author === 'system' || hidden) counts.systemMessages++;
      else if (author === 'user' || author === 'assistant') {
        const shown = contentOf(message.content, counts);
        if (shown === null) counts.toolMessages++;
        else if (shown.trim() !== '') {
          role = author;
          content = shown;
        }
      }
    }
    nodes.push({
      id: node.id ?? key,
      parent: node.parent ?? null,
      role,
      content,
      createdAt: seconds(message?.create_time, createdAt),
    });
  }
  return {
    id: `chatgpt:${sourceId}`,
    title: c.title?.trim() || 'Imported from ChatGPT',
    createdAt,
    updatedAt: seconds(c.update_time, createdAt),
    nodes,
    leaf: c.current_node ?? null,
  };
}
