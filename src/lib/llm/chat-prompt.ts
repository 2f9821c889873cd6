// What is sent to the model for one answer: the system prompt (global persona, then the
// conversation's own), then the conversation so far, oldest turns dropped when it would not fit.
import type { ChatMessage } from './types';

export interface PromptTurn {
  role: 'system' | 'user' | 'assistant';
  content: string;
  status?: 'streaming' | 'done' | 'stopped' | 'error' | undefined;
}

/** Tokens kept free for the answer itself, unless the caller says how long answers may be. */
const defaultAnswerTokens = 512;
/** Byte-level tokenizers can spend a token per character, so plan for the worst reasonable case. */
const charsPerToken = 2;

export function systemPromptOf(persona: string, conversationPrompt: string): string {
  return [persona, conversationPrompt]
    .map((part) => part.trim())
    .filter(Boolean)
    .join('\n\n');
}

/**
 * `history` ends with the user message to answer. Failed or empty answers are left out; the
 * newest turns are kept within `contextWindow` (tokens, when the model declares one).
 */
export function buildPrompt(
  history: PromptTurn[],
  systemPrompt: string,
  contextWindow: number | null,
  answerTokens = defaultAnswerTokens,
): ChatMessage[] {
  const turns: ChatMessage[] = history
    .filter((m) => m.role !== 'system' && m.status !== 'error' && m.content.trim() !== '')
    .map((m) => ({ role: m.role, content: m.content }));
  const system: ChatMessage[] = systemPrompt ? [{ role: 'system', content: systemPrompt }] : [];
  if (!contextWindow) return [...system, ...turns];
  let budgetChars =
    Math.max(contextWindow - answerTokens, contextWindow / 2) * charsPerToken - systemPrompt.length;
  const kept: ChatMessage[] = [];
  for (let index = turns.length - 1; index >= 0; index--) {
    const turn = turns[index] as ChatMessage;
    budgetChars -= turn.content.length;
    // The message being answered always goes, even when it alone is too long.
    if (budgetChars < 0 && kept.length > 0) break;
    kept.unshift(turn);
  }
  // A conversation sent to a model starts with the user's turn.
  while (kept.length > 1 && kept[0]?.role === 'assistant') kept.shift();
  return [...system, ...kept];
}
