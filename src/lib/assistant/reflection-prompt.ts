// The messages a reflection or weekly review sends: the user's persona and the (editable)
// instructions as the system prompt, the sources numbered [1]…[n] best first, and a one-line
// request. Laid out by prompt-layout.ts against the model's window, so the prompt never exceeds
// it: whole sources are dropped from the lowest-ranked up, never cut. A reflection whose own entry
// does not fit is refused with the sizes, rather than reflecting on the wrong text.
import { HearthError } from '../errors';
import { layoutPrompt, type PromptLayout } from './prompt-layout';
import type { LayoutPassage } from './prompt-text';
import type { TokenCounter } from './token-count';
import type { ReflectionSource } from './reflection-sources';

export interface ReflectionPromptInput {
  persona: string;
  /** The filled-in template. */
  instructions: string;
  request: string;
  /** Best first; for a reflection the entry itself comes first. */
  sources: ReflectionSource[];
  /** True when the first source is the entry reflected on and must be kept. */
  entryFirst: boolean;
  contextWindow: number;
  answerReserve: number;
  counter: TokenCounter;
}

export interface ReflectionPrompt {
  layout: PromptLayout;
  /** The sources the model was given, in their `[n]` order. */
  given: ReflectionSource[];
  /** Sources left out for the budget. */
  left: ReflectionSource[];
}

export class EntryTooLongError extends HearthError {
  override name = 'EntryTooLongError';
  constructor(what: 'entry' | 'week') {
    super(
      `${what === 'entry' ? 'This entry is' : "The week's first entry is"} longer than the chosen ` +
        "model's context window leaves room for, so it cannot be read whole. Choose a model with a " +
        'larger window for writing in Settings, or shorten the instructions.',
    );
  }
}

export class NothingToReviewError extends HearthError {
  override name = 'NothingToReviewError';
  constructor() {
    super('There are no journal entries in that week to review.');
  }
}

const toPassage = (s: ReflectionSource): LayoutPassage => ({
  id: s.id,
  title: s.title,
  headingPath: s.headingPath,
  date: s.date,
  text: s.text,
});

export function reflectionPrompt(input: ReflectionPromptInput): ReflectionPrompt {
  if (input.sources.length === 0) throw new NothingToReviewError();
  const layout = layoutPrompt({
    persona: input.persona,
    systemPrompt: input.instructions,
    memories: [],
    passages: input.sources.map(toPassage),
    attachments: [],
    history: [],
    question: input.request,
    contextWindow: input.contextWindow,
    answerReserve: input.answerReserve,
    counter: input.counter,
  });
  const byId = new Map(input.sources.map((s) => [s.id, s]));
  const given = layout.kept.passages.flatMap((k) => byId.get(k.id) ?? []);
  const first = input.sources[0];
  if (given.length === 0 || (input.entryFirst && first && given[0]?.id !== first.id)) {
    throw new EntryTooLongError(input.entryFirst ? 'entry' : 'week');
  }
  const kept = new Set(given.map((s) => s.id));
  return { layout, given, left: input.sources.filter((s) => !kept.has(s.id)) };
}
