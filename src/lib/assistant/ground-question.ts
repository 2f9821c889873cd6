// One question, grounded: search the chat's scope (and the question's date) for passages, then lay
// out the prompt within the model's budget. Retrieval is handed in, so this runs in unit tests
// without workers; the Sources list is built from what the layout kept, numbered as the model saw.
// The chat's attachments go in whether or not notes are read (the user attached them to this chat):
// a first layout says how much room they have, they are chosen within it, then the final layout.
import type { ChunkHit } from '../search/memory-types';
import type { Retrieval, RetrievedChunk, RetrieveOptions } from '../search/retrieve-with';
import type { SearchFilters } from '../types';
import type { AnswerContext, ChatGrounding, GroundingNotice } from './grounding-types';
import { filtersFor, retrievalQuery } from './grounding-scope';
import type { ParsedDate } from './date-phrases';
import {
  layoutPrompt,
  type LayoutInput,
  type LayoutTurn,
  type PromptLayout,
} from './prompt-layout';
import { attachmentHeaderTokens, type LayoutPassage } from './prompt-text';
import {
  attachmentItemId,
  sourcesOf,
  omittedOf,
  type AttachmentInput,
  type MemoryInput,
} from './answer-sources';
import type { TokenCounter } from './token-count';
import { stage } from '../perf/stage';

export type { AttachmentInput, MemoryInput };

/**
 * The chat's attachment passages for a question within `budgetTokens`, each costing its text plus
 * `overheadTokens(name, path)`, best first (see attachments/attachment-passages).
 */
export type AttachmentsFn = (
  question: string,
  budgetTokens: number,
  counter: TokenCounter,
  overheadTokens: (name: string, path: string) => number,
) => Promise<AttachmentInput[]>;

/** Passages asked of retrieval; the budget then keeps the best that fit. */
export const passagesAsked = 12;

export interface GroundInput {
  question: string;
  /** Oldest first, without the question. */
  history: LayoutTurn[];
  persona: string;
  systemPrompt: string;
  contextWindow: number;
  answerReserve: number;
  counter: TokenCounter;
  /** Null or disabled: no notes are read (memories still go). */
  grounding: ChatGrounding | null;
  /** The question's date, unless the user removed it. */
  date: ParsedDate | null;
  /** The date phrase found in the question, even if removed: its words are not searched for. */
  datePhrase?: ParsedDate | null;
  /**
   * Long-term memories recalled for this question, best first; a recall still running is awaited
   * beside the notes' search, not before it.
   */
  memories?: MemoryInput[] | Promise<MemoryInput[]>;
  retrieve: (query: string, options: RetrieveOptions) => Promise<Retrieval>;
  /** The best passage of each pinned note. */
  pinned?: (noteIds: string[], query: string) => Promise<ChunkHit[]>;
  /** The conversation's attachments; absent when it has none to read. */
  attachments?: AttachmentsFn;
}

export interface Grounded {
  layout: PromptLayout;
  /** Everything but the request, which is the engine's echo of `layout.messages`. */
  context: Omit<AnswerContext, 'request'>;
  /** The query and filters retrieval was asked with (null when notes were not read). */
  searched: { query: string; filters: SearchFilters[] } | null;
}

const byFusedScore = (a: RetrievedChunk, b: RetrievedChunk): number => b.fusedScore - a.fusedScore;

async function findPassages(input: GroundInput, grounding: ChatGrounding) {
  const phrase = input.date ?? input.datePhrase ?? null;
  const query = retrievalQuery(input.question, phrase) || input.question.trim();
  const filters = filtersFor(grounding.scope, input.date?.query ?? null);
  if (grounding.scope.kind === 'pinned') {
    const hits = input.pinned ? await input.pinned(grounding.scope.noteIds, query) : [];
    return { query, filters, chunks: hits, semantic: true };
  }
  const found = await Promise.all(
    filters.map((f) => input.retrieve(query, { k: passagesAsked, filters: f })),
  );
  const chunks =
    found.length === 1
      ? (found[0]?.chunks ?? [])
      : found
          .flatMap((r) => r.chunks)
          .sort(byFusedScore)
          .slice(0, passagesAsked);
  return { query, filters, chunks, semantic: found.every((r) => r.semantic) };
}

export async function groundQuestion(input: GroundInput): Promise<Grounded> {
  const grounding = input.grounding?.enabled ? input.grounding : null;
  const [found, memories] = await Promise.all([
    grounding ? stage('ground:search', () => findPassages(input, grounding)) : null,
    input.memories ?? [],
  ]);
  const chunks = found?.chunks ?? [];
  const passages: LayoutPassage[] = chunks.map((c) => ({
    id: c.chunkId,
    title: c.title,
    headingPath: c.headingPath,
    date: c.date,
    text: c.text,
  }));
  const base: LayoutInput = {
    persona: input.persona,
    systemPrompt: input.systemPrompt,
    memories: memories.map((m) => ({ id: m.id, text: m.text })),
    passages,
    attachments: [],
    history: input.history,
    question: input.question,
    contextWindow: input.contextWindow,
    answerReserve: input.answerReserve,
    counter: input.counter,
  };
  let layout = layoutPrompt(base);
  // The room for attachments does not depend on them (they are taken before the passages).
  const attach = input.attachments;
  const room = layout.attachmentRoom;
  const attached = attach
    ? await stage('ground:attachments', () =>
        attach(input.question, room, input.counter, (name, path) =>
          attachmentHeaderTokens(input.counter, name, path),
        ),
      )
    : [];
  if (attached.length > 0) {
    layout = layoutPrompt({
      ...base,
      attachments: attached.map((a) => ({
        id: attachmentItemId(a),
        name: a.name,
        path: a.path,
        pages: a.pages,
        text: a.text,
      })),
    });
  }
  const notices: GroundingNotice[] = [];
  if (found && !found.semantic) notices.push('keyword-only');
  if (found && layout.kept.passages.length === 0) notices.push('no-match');
  return {
    layout,
    searched: found ? { query: found.query, filters: found.filters } : null,
    context: {
      grounded: grounding !== null,
      sources: sourcesOf(layout, chunks, memories, attached),
      notices,
      dateLabel: grounding && input.date ? input.date.label : null,
      parts: layout.parts,
      budget: layout.budget,
      used: layout.used,
      exactCount: input.counter.exact,
      omitted: omittedOf(layout, chunks, memories, attached),
    },
  };
}
