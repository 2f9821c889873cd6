// What grounding stores: a chat's "Use my notes" choice and scope (on the conversation row), and
// what one answer was given (on the answer's row, per version), so the Sources list and the
// context inspector survive a reload. Types only: storage, state and views all read them.
import type { ChatMessage } from '../llm/types';
import type { SnippetPart } from '../types';

export type GroundingScope =
  | { kind: 'all' }
  | { kind: 'journal' }
  | { kind: 'folder'; folder: string }
  | { kind: 'tag'; tag: string }
  /** Inclusive `YYYY-MM-DD` bounds, any kind of note. */
  | { kind: 'dates'; from: string; to: string }
  | { kind: 'pinned'; noteIds: string[] };

export interface ChatGrounding {
  enabled: boolean;
  scope: GroundingScope;
}

/** One thing the model was given, as listed under the answer. */
export type AnswerSource = NoteSource | AttachedSource | RememberedSource;

export interface NoteSource {
  kind: 'note';
  /** The `[n]` the model was asked to cite. */
  n: number;
  chunkId: string;
  noteId: string;
  title: string;
  headingPath: string[];
  date: string;
  /** Character range in the note's text, end exclusive (`?at=start-end`). */
  start: number;
  end: number;
  snippet: SnippetPart[];
  cited: boolean;
}

/** A passage of a file the user attached to the chat: a whole file, or a piece retrieved for the question. */
export interface AttachedSource {
  kind: 'attachment';
  /** The `[n]` the model was asked to cite: numbered on after the notes' passages. */
  n: number;
  attachmentId: string;
  /** The file, folder or zip attached. */
  name: string;
  /** The file inside it (its own name for a loose file). */
  path: string;
  /** PDF pages the passage covers. */
  pages: { from: number; to: number } | null;
  /** Character range in that file's text, end exclusive. */
  start: number;
  end: number;
  whole: boolean;
  /** The passage's opening words, one line. */
  snippet: string;
  cited: boolean;
}

/** Something the user asked Hearth to remember ("What you have told me"). */
export interface RememberedSource {
  kind: 'memory';
  n: number;
  id: string;
  text: string;
  /** Where it came from, as the memory store describes it (a conversation, a note). */
  source: string;
}

export type GroundingNotice =
  /** Grounding was on and nothing matched: the answer is the model's alone. */
  | 'no-match'
  /** No embedding model answered: passages were matched by words only. */
  | 'keyword-only';

export interface PromptPartTokens {
  part: string;
  tokens: number;
}

/** What the model saw for one answer: the exact request and how it was put together. */
export interface AnswerContext {
  /** The messages as the engine received them (echoed back by its worker). */
  request: ChatMessage[];
  /** True when grounding was on for this answer. */
  grounded: boolean;
  sources: AnswerSource[];
  notices: GroundingNotice[];
  /** The date understood in the question, e.g. "last week: 23–29 Nov 2026". */
  dateLabel: string | null;
  parts: PromptPartTokens[];
  budget: number;
  used: number;
  /** True when counted with the model's own tokenizer, false for the upper bound. */
  exactCount: boolean;
  omitted: { part: string; what: string; reason: string }[];
}
