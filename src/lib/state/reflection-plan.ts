// Plans one reflection or weekly review before anything streams: which model writes it (the
// router's choice for writing), what it reads (reflection-context.ts) and the exact messages,
// laid out within that model's window (reflection-prompt.ts).
import { getNote } from '../db/notes-repo';
import { HearthError, NotFoundError } from '../errors';
import { pickModel } from '../llm/router';
import { listInstalledModels } from '../db/models-repo';
import { modelRole, type ChatMessage, type InstalledModel } from '../llm/types';
import { entryContext, weekContext, type ReflectionContext } from '../assistant/reflection-context';
import { weekKey, isoWeekDays, type IsoWeek } from '../assistant/reflection-dates';
import { fillTemplate } from '../assistant/reflection-templates';
import {
  answerReserveFor,
  contextWindowOf,
  reflectionCounter,
} from '../assistant/reflection-counter';
import { reflectionPrompt } from '../assistant/reflection-prompt';
import type { ReflectionSource } from '../assistant/reflection-sources';
import { chatSettings } from './chat-settings.svelte';
import { reflectionSettings } from './reflection-settings.svelte';

export type ReflectionTarget =
  | { kind: 'reflection'; noteId: string; date: string; title: string; path: string }
  | { kind: 'review'; week: IsoWeek };

export interface PlannedReflection {
  model: InstalledModel;
  routeReason: string;
  messages: ChatMessage[];
  maxTokens: number;
  /** The sources in their `[n]` order. */
  given: ReflectionSource[];
  /** Sources that did not fit the budget. */
  left: ReflectionSource[];
  similarBy: ReflectionContext['similarBy'];
}

export class NoWritingModelError extends HearthError {
  override name = 'NoWritingModelError';
  constructor() {
    super('No chat model is ready on this device. Download or import one on the Models page.');
  }
}

export const targetLabel = (target: ReflectionTarget): string =>
  target.kind === 'reflection' ? target.date : weekKey(target.week);

async function contextOf(target: ReflectionTarget): Promise<ReflectionContext> {
  if (target.kind === 'review') return weekContext(target.week);
  const entry = await getNote(target.noteId);
  if (!entry || entry.deletedAt > 0)
    throw new NotFoundError('That journal entry no longer exists.');
  return entryContext(entry);
}

function requestOf(target: ReflectionTarget): string {
  if (target.kind === 'reflection') {
    return `Reflect on my journal entry of ${target.date} [1].`;
  }
  const days = isoWeekDays(target.week);
  return `Write my weekly review of ${weekKey(target.week)} (${days[0]} to ${days[6]}).`;
}

export async function planReflection(target: ReflectionTarget): Promise<PlannedReflection> {
  // Read from the database, not the models manager: its live list may not have loaded yet.
  const [all] = await Promise.all([
    listInstalledModels(),
    chatSettings.load(),
    reflectionSettings.load(),
  ]);
  const installed = all.filter((m) => modelRole(m.spec) === 'chat');
  const choice = pickModel('writing', chatSettings.routing, installed, null);
  const model = choice && installed.find((m) => m.key === choice.key);
  if (!choice || !model) throw new NoWritingModelError();
  const context = await contextOf(target);
  const contextWindow = contextWindowOf(model);
  const answerReserve = answerReserveFor(contextWindow, chatSettings.maxAnswerTokens);
  const instructions = fillTemplate(reflectionSettings.template(target.kind), {
    date: target.kind === 'reflection' ? target.date : '',
    week: target.kind === 'review' ? weekKey(target.week) : '',
  });
  const prompt = reflectionPrompt({
    persona: chatSettings.persona,
    instructions,
    request: requestOf(target),
    sources: context.sources,
    entryFirst: target.kind === 'reflection',
    contextWindow,
    answerReserve,
    counter: reflectionCounter(),
  });
  return {
    model,
    routeReason: choice.reason,
    messages: prompt.layout.messages,
    maxTokens: answerReserve,
    given: prompt.given,
    left: prompt.left,
    similarBy: context.similarBy,
  };
}
