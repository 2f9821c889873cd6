// Forgetting (or rewriting) a memory also takes its text out of the answers that were given it:
// each answer keeps the exact request the model saw, for the context inspector, and lists its
// memories as sources. Without this, a forgotten memory would live on in every chat that used it.
import type { MessageRecord } from './chat-records';
import type { AnswerContext } from '../assistant/grounding-types';

/** What an answer's stored request and sources show where a removed memory's text was. */
export const removedMemoryMark = '[a memory since removed]';

function scrubContext(context: AnswerContext, gone: ReadonlyMap<string, string>): boolean {
  if (!context.sources.some((s) => s.kind === 'memory' && gone.has(s.id))) return false;
  const texts = [...gone.values()].filter((text) => text.length > 0);
  const clean = (content: string) =>
    texts.reduce((out, text) => out.split(text).join(removedMemoryMark), content);
  context.request = context.request.map((m) => ({ ...m, content: clean(m.content) }));
  context.sources = context.sources.map((s) =>
    s.kind === 'memory' && gone.has(s.id) ? { ...s, text: removedMemoryMark, source: '' } : s,
  );
  return true;
}

/**
 * Scrubs `gone` (memory id → its text) from a message row in place, with every version and the
 * conversation each version kept; true when anything changed.
 */
export function scrubMessage(row: MessageRecord, gone: ReadonlyMap<string, string>): boolean {
  let changed = row.context ? scrubContext(row.context, gone) : false;
  for (const version of row.versions ?? []) {
    if (version.context && scrubContext(version.context, gone)) changed = true;
    for (const kept of version.tail) if (scrubMessage(kept, gone)) changed = true;
  }
  return changed;
}
