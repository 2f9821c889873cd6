// The rows of a chat: conversations, and messages with every version of an answer or question.
// Kept apart from db.ts (which declares where these live) because a message row carries rules of
// its own that the chat, history import and export code share: which fields differ between
// versions, and that the top-level fields always hold the shown version.
import type { GenerationStats, Task } from '../llm/types';
import type { AnswerContext, ChatGrounding } from '../assistant/grounding-types';

export interface ConversationRecord {
  id: string;
  title: string;
  createdAt: number;
  updatedAt: number;
  /** Added with chat: instructions for this conversation, sent after the global persona. */
  systemPrompt?: string;
  /** Added with grounding (no index): "Use my notes" and its scope; unset means the default. */
  grounding?: ChatGrounding;
  /** Kept whatever the retention rules say. */
  pinned?: boolean;
  /**
   * When it came to this device from a backup or another assistant's export: retention counts
   * from here, not from its last use elsewhere, so a chat just brought home is not deleted.
   */
  arrivedAt?: number;
}

export type MessageStatus = 'streaming' | 'done' | 'stopped' | 'error';

export interface MessageRecord {
  id: string;
  conversationId: string;
  role: 'system' | 'user' | 'assistant';
  content: string;
  createdAt: number;
  // Added with chat (all optional, no index): who answered, why, and how it went.
  /** On user messages: the task or model the user picked instead of automatic routing. */
  taskOverride?: Task | null;
  modelOverride?: string | null;
  modelKey?: string;
  modelName?: string;
  task?: Task;
  routeReason?: string;
  stats?: GenerationStats;
  status?: MessageStatus;
  error?: string;
  /** Added with grounding (no index): what the model saw for this answer, and its sources. */
  context?: AnswerContext;
  /**
   * Added with answer versions (no index): every version of this message — regenerated answers,
   * edited questions — the shown one included at `versionIndex`. The top-level fields always hold
   * the shown version, so everything that reads messages reads what the user sees.
   */
  versions?: MessageVersion[];
  versionIndex?: number;
}

/** The fields that differ between two versions of one message. */
export const versionFields = [
  'content',
  'taskOverride',
  'modelOverride',
  'modelKey',
  'modelName',
  'task',
  'routeReason',
  'stats',
  'status',
  'error',
  'context',
] as const satisfies readonly (keyof MessageRecord)[];

export type VersionFields = Partial<Pick<MessageRecord, (typeof versionFields)[number]>>;

/** One version of a message, with the messages that followed it while it was the shown one. */
export interface MessageVersion extends VersionFields {
  content: string;
  /** When this version was written. */
  at: number;
  /** The conversation after this message, set aside while another version is shown. */
  tail: MessageRecord[];
}
