// `/remember …` typed in the chat composer stores a memory instead of sending a message.
import { addMemory, type Memory } from '../db/memories-repo';

const command = /^\s*\/remember(?=$|[\s:])[\s:]*/i;

/**
 * The text to remember when `text` is a `/remember` command, with surrounding space trimmed
 * (empty when nothing follows the command, which adding then refuses with a message); null when
 * `text` is no such command (`/remembering`, or `/remember` not at the start).
 */
export function parseRememberCommand(text: string): string | null {
  const match = command.exec(text);
  return match ? text.slice(match[0].length).trim() : null;
}

/**
 * Stores the memory a `/remember …` message asks for, sourced to the conversation (and the
 * message, if one was saved for it). Null when `text` is not a `/remember` command, so the caller
 * sends it as usual; throws InvalidMemoryError (its message fit to show) when nothing follows it.
 */
export async function rememberTyped(
  conversationId: string,
  text: string,
  messageId?: string,
): Promise<Memory | null> {
  const statement = parseRememberCommand(text);
  if (statement === null) return null;
  return addMemory(statement, {
    kind: 'message',
    conversationId,
    ...(messageId ? { messageId } : {}),
  });
}
