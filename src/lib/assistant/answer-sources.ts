// The Sources list of one answer: every passage and memory the layout kept, with the number the
// model saw, and which of them the answer cites (the same parser the renderer links with).
import type { ChunkHit } from '../search/memory-types';
import type { AnswerSource, NoteSource } from './grounding-types';
import type { PromptLayout } from './prompt-layout';
import { citedNumbers } from './citations';

export interface MemoryInput {
  id: string;
  text: string;
  /** Where it came from, in words ("a chat on 3 Dec", "note Health"). */
  source: string;
}

export function sourcesOf(
  layout: PromptLayout,
  chunks: ChunkHit[],
  memories: MemoryInput[],
): AnswerSource[] {
  const notes: AnswerSource[] = layout.kept.passages.flatMap(({ id, n }) => {
    const c = chunks.find((chunk) => chunk.chunkId === id);
    if (!c) return [];
    const source: NoteSource = {
      kind: 'note',
      n,
      chunkId: c.chunkId,
      noteId: c.noteId,
      title: c.title,
      headingPath: c.headingPath,
      date: c.date,
      start: c.start,
      end: c.end,
      snippet: c.snippet,
      cited: false,
    };
    return [source];
  });
  const remembered: AnswerSource[] = layout.kept.memories.flatMap(({ id, n }) => {
    const m = memories.find((memory) => memory.id === id);
    return m ? [{ kind: 'memory' as const, n, id: m.id, text: m.text, source: m.source }] : [];
  });
  return [...notes, ...remembered];
}

/** What the layout left out, named so the inspector can say it. */
export function omittedOf(
  layout: PromptLayout,
  chunks: ChunkHit[],
  memories: MemoryInput[],
): { part: string; what: string; reason: string }[] {
  return layout.omitted.map((o) => {
    const chunk = o.part === 'sources' ? chunks.find((c) => c.chunkId === o.id) : undefined;
    const memory = o.part === 'memory' ? memories.find((m) => m.id === o.id) : undefined;
    const what = chunk
      ? [chunk.title, ...chunk.headingPath].join(' > ')
      : memory
        ? memory.text
        : o.part === 'history'
          ? `turn ${Number(o.id) + 1}`
          : o.id;
    return { part: o.part, what, reason: o.reason };
  });
}

export function noteSourceCount(sources: readonly AnswerSource[]): number {
  return sources.filter((s) => s.kind === 'note').length;
}

/** The sources with `cited` set from the answer's `[n]` markers. */
export function withCited(sources: AnswerSource[], answer: string): AnswerSource[] {
  const { cited } = citedNumbers(answer, noteSourceCount(sources));
  return sources.map((s) => (s.kind === 'note' ? { ...s, cited: cited.includes(s.n) } : s));
}
