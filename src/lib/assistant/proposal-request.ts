// The request that asks a chat model to propose memories from a conversation: the most recent
// messages that fit the model's context window (counted with a bound never below the real token
// count), so a long conversation is read from its end rather than overflowing the window.
import type { ChatMessage, ChatRequest } from '../llm/types';
import { proposalPrompt } from './memory-proposal';
import { messageOverheadTokens, promptOverheadTokens, utf8UpperBound } from './token-count';

/** Room for the instructions and the transcript's framing, above their own measured size. */
const framingTokens = 64;
const defaultWindowTokens = 2048;

export function proposalRequest(
  conversation: readonly ChatMessage[],
  contextWindow: number | null,
  maxTokens: number,
): ChatRequest {
  const empty = proposalPrompt([]);
  const fixed =
    promptOverheadTokens +
    framingTokens +
    empty.reduce((sum, m) => sum + messageOverheadTokens + utf8UpperBound.count(m.content), 0);
  let room = (contextWindow ?? defaultWindowTokens) - maxTokens - fixed;
  const kept: ChatMessage[] = [];
  for (let i = conversation.length - 1; i >= 0; i--) {
    const message = conversation[i]!;
    if (message.role === 'system') continue;
    // "User: " / "Assistant: " and the blank line between turns.
    const cost = utf8UpperBound.count(message.content) + 8;
    if (cost > room) break;
    room -= cost;
    kept.unshift(message);
  }
  return { messages: proposalPrompt(kept), maxTokens, temperature: 0 };
}
