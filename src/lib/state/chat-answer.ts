// Writing one answer: route the user's message (task, then model), load the model, stream the
// answer and record how it ended. Every outcome lands on the assistant message itself: done
// (with stats), stopped (with what was shown) or error (with a message the user can act on).
import type { ConversationRecord, MessageRecord, VersionFields } from '../db/chat-records';
import {
  saveMessage,
  saveNewVersion,
  updateAnswer,
  type NewMessage,
} from '../db/conversations-repo';
import { shownVersionAt, withNewVersion } from '../db/message-versions';
import { errorMessage, HearthError } from '../errors';
import { answerBudget } from '../assistant/answer-budget';
import { withCited } from '../assistant/answer-sources';
import { groundQuestion, type GroundInput, type Grounded } from '../assistant/ground-question';
import type { AnswerContext } from '../assistant/grounding-types';
import { counterFor, type TokenCounter } from '../assistant/token-count';
import { classifyTask, pickModel, TASK_LABELS } from '../llm/router';
import type { InstalledModel, LlmEngine, Task } from '../llm/types';
import { modelRole } from '../llm/types';
import { AnswerStream } from './answer-stream';
import { stage } from '../perf/stage';

export class NoModelError extends HearthError {
  override name = 'NoModelError';
  constructor() {
    super('No model is ready on this device. Download or import one on the Models page.');
  }
}

/** What grounds one answer: the chat's notes setting, the question's date, memories, and how to search. */
export type AnswerGrounding = Pick<GroundInput, 'grounding' | 'date' | 'retrieve'> &
  Partial<Pick<GroundInput, 'memories' | 'pinned' | 'datePhrase' | 'attachments'>> & {
    counter?: TokenCounter;
  };

const noNotes: AnswerGrounding = {
  grounding: null,
  date: null,
  retrieve: () => Promise.resolve({ chunks: [], semantic: false }),
};

export interface AnswerJob {
  user: MessageRecord;
  conversation: ConversationRecord;
  /** The conversation's messages; the answer uses those up to and including `user`. */
  history: MessageRecord[];
  models: {
    readonly installed: InstalledModel[];
    ensureLoaded(key: string, signal?: AbortSignal): Promise<LlmEngine>;
    /** The engine when `key` is loaded already (synchronous), else null. */
    readyEngine?(key: string): LlmEngine | null;
  };
  settings: { persona: string; routing: Record<Task, string | null>; maxAnswerTokens: number };
  /**
   * Regenerate: the answer becomes a new version of this message; the one shown now, and `tail`
   * (what followed it), are kept as an earlier version.
   */
  into?: { message: MessageRecord; tail: MessageRecord[] };
  /** Builds the answer's record in memory, ordered after the conversation's messages. */
  newMessage: (message: NewMessage) => MessageRecord;
  /** `versionAt` names this run's version: every write of the run goes to that version only. */
  onCreated: (message: MessageRecord, answer: AnswerStream, versionAt: number) => void;
  /** Absent: the answer reads no notes and no memories. Called while the model loads. */
  grounding?: () => Promise<AnswerGrounding>;
  /** The sources and the planned request, once known (before the first token). */
  onContext?: (context: AnswerContext) => void;
  onPhase: (phase: 'loading' | 'writing') => void;
  onText: (text: string) => void;
  onDone: (message: MessageRecord) => void;
  onError: (error: unknown) => void;
}

export function routeMessage(
  user: MessageRecord,
  settings: AnswerJob['settings'],
  installed: InstalledModel[],
) {
  const { task, reason } = user.taskOverride
    ? { task: user.taskOverride, reason: 'you picked the task' }
    : classifyTask(user.content);
  const choice = pickModel(task, settings.routing, installed, user.modelOverride ?? null);
  const model = choice ? installed.find((m) => m.key === choice.key) : undefined;
  const routeReason = `${TASK_LABELS[task]}: ${reason}. ${
    choice ? `${choice.reason[0]?.toUpperCase()}${choice.reason.slice(1)}.` : 'No model is ready.'
  }`;
  return { task, model, routeReason, fallback: choice?.fallback ?? false };
}

export async function runAnswer(job: AnswerJob): Promise<void> {
  const { user, conversation, models, settings } = job;
  const route = routeMessage(
    user,
    settings,
    models.installed.filter((m) => modelRole(m.spec) === 'chat'),
  );
  // The answer's record is made in memory and stored in the background, first in the answer's
  // write queue: nothing between Send and the engine waits for the disk.
  const fresh = {
    content: '',
    task: route.task,
    routeReason: route.routeReason,
    status: 'streaming' as const,
    ...(route.model ? { modelKey: route.model.key, modelName: route.model.name } : {}),
  };
  const at = Date.now();
  const { into } = job;
  const message = into
    ? withNewVersion(into.message, into.tail, fresh, at)
    : job.newMessage({ conversationId: conversation.id, role: 'assistant', ...fresh });
  const versionAt = shownVersionAt(message);
  const answer = new AnswerStream(job.onText, (text) =>
    updateAnswer(message.id, versionAt, { content: text }).catch(job.onError),
  );
  // A new version replaces the shown answer in one transaction that keeps the old one.
  answer
    .queueWrite(async () => {
      if (into) await saveNewVersion(message.id, fresh, at);
      else await saveMessage(message);
    })
    .catch(job.onError);
  job.onCreated(message, answer, versionAt);
  let patch: VersionFields;
  let context: AnswerContext | undefined;
  try {
    if (!route.model) throw new NoModelError();
    const budget = answerBudget(route.model.spec.contextWindow, settings.maxAnswerTokens);
    // Notes are searched while the model loads; neither waits for the other.
    const planning = plan(job, budget);
    planning.catch(() => undefined);
    // No await when the model is loaded already: the request then leaves for the worker in the
    // same task as the click, before the page renders the new messages.
    const engine =
      models.readyEngine?.(route.model.key) ??
      (await models.ensureLoaded(route.model.key, answer.signal));
    answer.signal.throwIfAborted();
    job.onPhase('writing');
    const grounded = await planning;
    answer.signal.throwIfAborted();
    const planned: AnswerContext = { ...grounded.context, request: grounded.layout.messages };
    context = planned;
    job.onContext?.(planned);
    // Stored before the first token: a reload mid-answer still lists what the model was given.
    answer
      .queueWrite(() => updateAnswer(message.id, versionAt, { context: planned }))
      .catch(job.onError);
    // For the grounding bench and the browser's profiler: Send → this mark is what Hearth adds.
    performance.mark('hearth:request-sent');
    const stats = await engine.chat(
      { messages: grounded.layout.messages, maxTokens: budget.answerReserve },
      answer.onDelta,
      answer.signal,
      (received) => (context = { ...planned, request: received.messages }),
    );
    const stopped = answer.signal.aborted || stats.finishReason === 'abort';
    patch = {
      content: stopped ? answer.stop() : answer.finish(),
      stats,
      status: stopped ? 'stopped' : 'done',
    };
  } catch (error) {
    const stopped = answer.signal.aborted;
    const content = answer.stop();
    patch = stopped
      ? { content, status: 'stopped' }
      : { content, status: 'error', error: errorMessage(error) };
  }
  if (context)
    patch.context = { ...context, sources: withCited(context.sources, patch.content ?? '') };
  await answer.queueWrite(() => updateAnswer(message.id, versionAt, patch)).catch(job.onError);
  job.onDone({ ...message, ...patch });
}

async function plan(job: AnswerJob, budget: ReturnType<typeof answerBudget>): Promise<Grounded> {
  const hooks = job.grounding;
  const grounding = hooks ? await stage('ground:hooks', hooks) : noNotes;
  const upTo = job.history.findIndex((m) => m.id === job.user.id);
  return groundQuestion({
    ...grounding,
    question: job.user.content,
    history: job.history.slice(0, Math.max(0, upTo)),
    persona: job.settings.persona,
    systemPrompt: job.conversation.systemPrompt ?? '',
    ...budget,
    counter: grounding.counter ?? counterFor(),
  });
}
