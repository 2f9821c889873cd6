// How a model's context window is split between the prompt and the answer.

/** For a model that declares no window: small enough for any chat model Hearth runs. */
export const fallbackContextWindow = 2048;

export interface AnswerBudget {
  contextWindow: number;
  /** Tokens kept for the answer; also the request's `maxTokens`, so prompt + answer fit. */
  answerReserve: number;
}

/** The user's longest answer, but never more than half the window: the prompt needs room too. */
export function answerBudget(contextWindow: number | null, maxAnswerTokens: number): AnswerBudget {
  const window = contextWindow && contextWindow > 0 ? contextWindow : fallbackContextWindow;
  return {
    contextWindow: window,
    answerReserve: Math.max(1, Math.min(Math.floor(maxAnswerTokens), Math.floor(window / 2))),
  };
}
