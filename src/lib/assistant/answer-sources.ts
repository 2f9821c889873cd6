// The Sources list of one answer: every passage, attachment passage and memory the layout kept,
// with the number the model saw, and which of them the answer cites (the same parser the renderer
// links with). Notes' passages are [1]..[k] and attachment passages [k+1]..: one numbering.
import type { ChunkHit } from '../search/memory-types';
import type { AnswerSource, AttachedSource, NoteSource } from './grounding-types';
import type { PromptLayout } from './prompt-layout';
import { citedNumbers } from './citations';

export interface MemoryInput {
  id: string;
  text: string;
  /** Where it came from, in words ("a chat on 3 Dec", "note Health"). */
  source: string;
}

/** One attachment passage as grounding hands it to the layout (see attachments/passage-selection). */
export interface AttachmentInput {
  attachmentId: string;
  name: string;
  path: string;
  start: number;
  end: number;
  pages: { from: number; to: number } | null;
  text: string;
  whole: boolean;
}

/** The id an attachment passage has in the layout: unique within one prompt. */
export const attachmentItemId = (a: AttachmentInput): string =>
  `${a.attachmentId}|${a.path}|${a.start}-${a.end}`;

const snippetChars = 200;

/** The passage's opening words on one line, cut at a word when long. */
export function attachmentSnippet(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  if (line.length <= snippetChars) return line;
  const cut = line.slice(0, snippetChars);
  const space = cut.lastIndexOf(' ');
  return `${space > snippetChars / 2 ? cut.slice(0, space) : cut}…`;
}

export function sourcesOf(
  layout: PromptLayout,
  chunks: ChunkHit[],
  memories: MemoryInput[],
  attachments: AttachmentInput[] = [],
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
  const attached: AnswerSource[] = layout.kept.attachments.flatMap(({ id, n }) => {
    const a = attachments.find((item) => attachmentItemId(item) === id);
    if (!a) return [];
    const source: AttachedSource = {
      kind: 'attachment',
      n,
      attachmentId: a.attachmentId,
      name: a.name,
      path: a.path,
      pages: a.pages,
      start: a.start,
      end: a.end,
      whole: a.whole,
      snippet: attachmentSnippet(a.text),
      cited: false,
    };
    return [source];
  });
  const remembered: AnswerSource[] = layout.kept.memories.flatMap(({ id, n }) => {
    const m = memories.find((memory) => memory.id === id);
    return m ? [{ kind: 'memory' as const, n, id: m.id, text: m.text, source: m.source }] : [];
  });
  return [...notes, ...attached, ...remembered];
}

/** What the layout left out, named so the inspector can say it. */
export function omittedOf(
  layout: PromptLayout,
  chunks: ChunkHit[],
  memories: MemoryInput[],
  attachments: AttachmentInput[] = [],
): { part: string; what: string; reason: string }[] {
  return layout.omitted.map((o) => {
    const chunk = o.part === 'sources' ? chunks.find((c) => c.chunkId === o.id) : undefined;
    const memory = o.part === 'memory' ? memories.find((m) => m.id === o.id) : undefined;
    const attached =
      o.part === 'attachments' ? attachments.find((a) => attachmentItemId(a) === o.id) : undefined;
    const what = chunk
      ? [chunk.title, ...chunk.headingPath].join(' > ')
      : attached
        ? attachedName(attached)
        : memory
          ? memory.text
          : o.part === 'history'
            ? `turn ${Number(o.id) + 1}`
            : o.id;
    return { part: o.part, what, reason: o.reason };
  });
}

/** "demo.zip › demo/src/timer.ts" (or just the name for a loose file), with its pages. */
export function attachedName(a: Pick<AttachmentInput, 'name' | 'path' | 'pages'>): string {
  const where = a.path && a.path !== a.name ? `${a.name} › ${a.path}` : a.name;
  if (!a.pages) return where;
  const { from, to } = a.pages;
  return `${where}, ${from === to ? `page ${from}` : `pages ${from}–${to}`}`;
}

/** Sources the answer can cite as [n]: notes' passages and attachment passages, in [n] order. */
export function citableSources(sources: readonly AnswerSource[]): (NoteSource | AttachedSource)[] {
  return sources
    .filter((s): s is NoteSource | AttachedSource => s.kind !== 'memory')
    .sort((a, b) => a.n - b.n);
}

/** How many `[n]` the answer may cite: they are numbered 1..this. */
export function noteSourceCount(sources: readonly AnswerSource[]): number {
  return citableSources(sources).length;
}

/** The sources with `cited` set from the answer's `[n]` markers. */
export function withCited(sources: AnswerSource[], answer: string): AnswerSource[] {
  const { cited } = citedNumbers(answer, noteSourceCount(sources));
  return sources.map((s) => (s.kind !== 'memory' ? { ...s, cited: cited.includes(s.n) } : s));
}

/** The element id of source `n` under one answer: `[n]` of an attachment links to it. */
export const sourceAnchor = (messageId: string, n: number): string =>
  `source-${messageId.replace(/[^\w-]/g, '_')}-${n}`;
