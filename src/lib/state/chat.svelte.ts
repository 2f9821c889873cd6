// The open conversation: its messages, sending, streaming, stop, regenerate and edit. One answer
// streams at a time. Each answer is routed (task -> model), the model is loaded on demand through
// the models manager, and the answer is saved while it streams so a reload keeps what was shown.
import type { ConversationRecord, MessageRecord } from '../db/chat-records';
import {
  buildConversation,
  buildMessage,
  getConversation,
  listMessages,
  updateConversation,
  saveConversation,
  saveMessage,
  saveNewVersion,
  showVersion,
  updateAnswer,
  updateMessage,
  type NewMessage,
} from '../db/conversations-repo';
import { errorMessage, NotFoundError } from '../errors';
import type { InstalledModel, LlmEngine, LoadProgress, Task } from '../llm/types';
import type { ParsedDate } from '../assistant/date-phrases';
import type { ChatGrounding } from '../assistant/grounding-types';
import { answerGrounding } from './chat-grounding.svelte';
import { chatAttachments } from './chat-attachments.svelte';
import { toasts } from './toasts.svelte';
import { AnswerStream } from './answer-stream';
import { chatSettings } from './chat-settings.svelte';
import { runAnswer } from './chat-answer';
import { models } from './models.svelte';

/** The part of the models manager chat needs (see models.svelte.ts). */
export interface ModelsApi {
  readonly installed: InstalledModel[];
  readonly loadedKey: string | null;
  readonly loading: { key: string; progress: LoadProgress } | null;
  ensureLoaded(key: string, signal?: AbortSignal): Promise<LlmEngine>;
  readyEngine?(key: string): LlmEngine | null;
}

export interface SendOptions {
  task?: Task | null;
  modelKey?: string | null;
  /** The question's date as shown on its chip; null when the user removed it. */
  date?: ParsedDate | null;
}

const defaultTitle = 'New chat';
const titleFrom = (text: string): string => {
  const line = text.trim().split('\n')[0]?.trim() ?? '';
  return line.length > 60 ? `${line.slice(0, 57)}…` : line || defaultTitle;
};

/** An answer cut short by a reload, a crash or a version flip is shown as stopped. */
const shownAsStopped = (messages: MessageRecord[]): MessageRecord[] =>
  messages.map((m) => (m.status === 'streaming' ? { ...m, status: 'stopped' } : m));

export class ChatSession {
  conversation = $state.raw<ConversationRecord | null>(null);
  messages = $state.raw<MessageRecord[]>([]);
  /** The answer being written: its id and the text shown so far (updated once per frame). */
  streaming = $state.raw<{
    id: string;
    /** The version being written (see `updateAnswer`). */
    versionAt: number;
    text: string;
    phase: 'loading' | 'writing';
  } | null>(null);
  loaded = $state(false);
  /** "Use my notes" chosen before the chat's first message (the chat row does not exist yet). */
  pendingGrounding = $state.raw<ChatGrounding | undefined>(undefined);
  error = $state<string | null>(null);
  #answer: AnswerStream | null = null;
  /** The newest answer run, kept after Stop: its stop write must land before versions change. */
  #lastAnswer: AnswerStream | null = null;
  #openSeq = 0;
  #writes: Promise<void> = Promise.resolve();

  constructor(private readonly models: ModelsApi) {}

  get busy(): boolean {
    return this.streaming !== null;
  }

  async open(id: string | null): Promise<void> {
    if (this.loaded && id === (this.conversation?.id ?? null)) return;
    this.stop();
    const seq = ++this.#openSeq;
    this.error = null;
    this.loaded = false;
    const [conversation, messages] = id
      ? await Promise.all([getConversation(id), listMessages(id)])
      : [null, []];
    if (seq !== this.#openSeq) return;
    if (id && !conversation) this.error = 'That conversation no longer exists.';
    this.pendingGrounding = undefined;
    this.conversation = conversation ?? null;
    // An answer cut short by a reload or crash is shown as stopped, with what was saved.
    this.messages = shownAsStopped(messages);
    for (const m of messages)
      if (m.status === 'streaming')
        void updateMessage(m.id, { status: 'stopped' }).catch(this.#fail);
    this.loaded = true;
  }

  /**
   * Shows the user's message and starts the answer at once; the conversation and the message are
   * stored in the background, in order (time to first token must not wait for the disk).
   */
  send(text: string, options: SendOptions = {}): void {
    const content = text.trim();
    if (!content || this.busy) return;
    let conversation = this.conversation;
    if (!conversation) {
      const created = buildConversation(titleFrom(content));
      if (this.pendingGrounding) created.grounding = this.pendingGrounding;
      this.pendingGrounding = undefined;
      conversation = created;
      this.conversation = created;
      this.messages = [];
      this.loaded = true;
      this.#persist(() => saveConversation(created));
    } else if (conversation.title === defaultTitle && this.messages.length === 0) {
      this.#persist(() => this.rename(titleFrom(content)));
    }
    const user = this.#newMessage({
      conversationId: conversation.id,
      role: 'user',
      content,
      taskOverride: options.task ?? null,
      modelOverride: options.modelKey ?? null,
    });
    this.messages = [...this.messages, user];
    this.#persist(() => saveMessage(user));
    void this.#answerTo(user, undefined, options.date);
  }

  /**
   * The open conversation's id, creating and storing it first when there is none (files attached
   * before the first message belong to it). It keeps any "Use my notes" choice made before.
   */
  async ensureConversation(): Promise<string> {
    if (this.conversation) return this.conversation.id;
    const created = buildConversation(defaultTitle);
    if (this.pendingGrounding) created.grounding = this.pendingGrounding;
    this.pendingGrounding = undefined;
    this.conversation = created;
    this.messages = [];
    this.loaded = true;
    await saveConversation(created);
    return created.id;
  }

  /** The chat's own grounding choice; undefined means the default (see chat-grounding). */
  get grounding(): ChatGrounding | undefined {
    return this.conversation?.grounding ?? this.pendingGrounding;
  }

  async setGrounding(grounding: ChatGrounding): Promise<void> {
    const current = this.conversation;
    if (!current) {
      this.pendingGrounding = grounding;
      return;
    }
    this.conversation = { ...current, grounding };
    await updateConversation(current.id, { grounding });
  }

  #newMessage = (message: NewMessage): MessageRecord =>
    buildMessage(message, this.messages.at(-1)?.createdAt ?? 0);

  /** Runs background writes one after another; a failure (a full disk) is shown, not lost. */
  #persist(write: () => Promise<void>): void {
    this.#writes = this.#writes.then(write).catch(this.#fail);
  }

  /** Stops the answer being written at once; what was shown stays, marked as stopped. */
  stop(): void {
    const answer = this.#answer;
    const streaming = this.streaming;
    if (!answer || !streaming) return;
    const content = answer.stop();
    this.#answer = null;
    this.streaming = null;
    const message = this.messages.find((m) => m.id === streaming.id);
    if (message) this.#replace({ ...message, content, status: 'stopped' });
    // Saved now, not when the engine gets round to returning (a prefill pass cannot be cut short):
    // a reload in between must show exactly what the user saw.
    answer
      .queueWrite(() =>
        updateAnswer(streaming.id, streaming.versionAt, { content, status: 'stopped' }),
      )
      .catch(this.#fail);
  }

  /** Writes a new version of the answer; the shown one stays as an earlier version (‹ 1/2 ›). */
  async regenerate(assistantId: string): Promise<void> {
    const index = this.messages.findIndex((m) => m.id === assistantId);
    const user = this.messages.slice(0, index).findLast((m) => m.role === 'user');
    const message = this.messages[index];
    if (this.busy || !message || !user) return;
    // The answer being replaced must be stored before its new version can set it aside.
    await this.#settled();
    void this.#answerTo(user, { message, tail: this.messages.slice(index + 1) });
  }

  /** The edited question becomes a new version (one transaction); the old one keeps its answers. */
  async editAndResend(userId: string, newText: string): Promise<void> {
    const content = newText.trim();
    const index = this.messages.findIndex((m) => m.id === userId);
    const original = this.messages[index];
    if (this.busy || !content || !original || original.role !== 'user') return;
    await this.#settled();
    const edited = await saveNewVersion(userId, {
      content,
      taskOverride: original.taskOverride ?? null,
      modelOverride: original.modelOverride ?? null,
    });
    this.messages = [...this.messages.slice(0, index), edited];
    void this.#answerTo(edited);
  }

  /** Shows another version of a message, with the conversation that followed that version. */
  async showVersion(messageId: string, index: number): Promise<void> {
    const conversation = this.conversation;
    if (this.busy || !conversation) return;
    await this.#settled();
    await showVersion(messageId, index);
    this.messages = shownAsStopped(await listMessages(conversation.id));
  }

  async rename(title: string): Promise<void> {
    const current = this.conversation;
    if (!current) return;
    await updateConversation(current.id, { title });
    this.conversation = (await getConversation(current.id)) ?? null;
  }

  async setSystemPrompt(systemPrompt: string): Promise<void> {
    const current = this.conversation;
    if (!current) throw new NotFoundError('Start a conversation first.');
    await updateConversation(current.id, { systemPrompt });
    this.conversation = { ...current, systemPrompt };
  }

  /** Re-reads the open conversation after the list renamed it. */
  async refresh(id: string): Promise<void> {
    if (this.conversation?.id !== id) return;
    this.conversation = (await getConversation(id)) ?? null;
  }

  /** Called when the open conversation was deleted elsewhere (the list). */
  forget(id: string): void {
    if (this.conversation?.id !== id) return;
    this.stop();
    this.conversation = null;
    this.messages = [];
  }

  /** Waits for the session's writes and the last answer's writes queued so far (a Stop's). */
  async #settled(): Promise<void> {
    await this.#writes;
    await this.#lastAnswer?.queueWrite(() => Promise.resolve()).catch(() => undefined);
  }

  #replace(message: MessageRecord): void {
    this.messages = this.messages.map((m) => (m.id === message.id ? message : m));
  }

  #fail = (error: unknown): void => {
    this.error = errorMessage(error);
  };

  async #answerTo(
    user: MessageRecord,
    into?: { message: MessageRecord; tail: MessageRecord[] },
    date?: ParsedDate | null,
  ): Promise<void> {
    const conversation = this.conversation;
    if (!conversation) return;
    if (!chatSettings.loaded) await chatSettings.load().catch(this.#fail);
    let run: AnswerStream | null = null;
    await runAnswer({
      user,
      conversation,
      history: this.messages,
      models: this.models,
      settings: chatSettings,
      newMessage: this.#newMessage,
      ...(into ? { into } : {}),
      grounding: async () => ({
        ...(await answerGrounding(user.content, this.conversation?.grounding, date)),
        // The user's files go in even with "Use my notes" off: they attached them to this chat.
        attachments: chatAttachments.passagesOf(conversation.id, (error) =>
          toasts.error(`Attachments were matched by words only: ${errorMessage(error)}`),
        ),
      }),
      onContext: (context) => {
        const shown = this.messages.find((m) => m.id === this.streaming?.id);
        if (shown && this.#answer === run) this.#replace({ ...shown, context });
      },
      onCreated: (message, answer, versionAt) => {
        run = answer;
        this.#answer = answer;
        this.#lastAnswer = answer;
        const at = this.messages.findIndex((m) => m.id === message.id);
        this.messages =
          at < 0 ? [...this.messages, message] : [...this.messages.slice(0, at), message];
        this.streaming = { id: message.id, versionAt, text: '', phase: 'loading' };
      },
      onPhase: (phase) => {
        if (this.streaming && this.#answer === run) this.streaming = { ...this.streaming, phase };
      },
      onText: (text) => {
        if (this.streaming && this.#answer === run) this.streaming = { ...this.streaming, text };
      },
      onDone: (message) => {
        // A stopped run may return after the next one started, even on the same message (Stop,
        // then Regenerate): Stop already showed what it kept, so only the live run lands here.
        if (this.#answer !== run) return;
        this.#answer = null;
        this.streaming = null;
        this.#replace(message);
      },
      onError: this.#fail,
    });
  }
}

export const chat = new ChatSession(models);
