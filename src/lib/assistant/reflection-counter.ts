// The token counter and window a reflection is planned with. Hearth's engines do not hand their
// tokenizer to the page yet, so this is the proven upper bound (token-count.ts): a prompt planned
// with it always fits. (Chat grounding brings a per-model counter; the two will meet there.)
import type { InstalledModel } from '../llm/types';
import { utf8UpperBound, type TokenCounter } from './token-count';

/** Window assumed for a model that declares none: small enough for any chat model Hearth runs. */
export const fallbackContextWindow = 2048;

export function reflectionCounter(): TokenCounter {
  return utf8UpperBound;
}

export function contextWindowOf(model: Pick<InstalledModel, 'spec'>): number {
  const window = model.spec.contextWindow;
  return window && window > 0 ? window : fallbackContextWindow;
}

/** The answer keeps at most half the window, so a long answer setting cannot starve the sources. */
export function answerReserveFor(contextWindow: number, maxAnswerTokens: number): number {
  return Math.max(1, Math.min(maxAnswerTokens, Math.floor(contextWindow / 2)));
}
