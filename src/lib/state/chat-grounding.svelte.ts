// What grounds the chat's answers: whether the vault has notes (for the "Use my notes" default),
// the date understood in a question, and the retrieval and memory hooks an answer uses.
import { parseDatePhrase, type ParsedDate } from '../assistant/date-phrases';
import { defaultGrounding } from '../assistant/grounding-scope';
import type { ChatGrounding } from '../assistant/grounding-types';
import type { MemoryInput } from '../assistant/answer-sources';
import { findByLinkTarget, getNote, liveNoteCount, observeCounts } from '../db/notes-repo';
import type { AnswerGrounding } from './chat-answer';
import type { RecalledMemory } from './memory-recall';
import { toasts } from './toasts.svelte';
import { errorMessage } from '../errors';
import { stage } from '../perf/stage';

/** The user's own zone and language: "last week" is the user's last week. */
export function readDate(question: string, now?: Date): ParsedDate | null {
  try {
    const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    // A one-off reading of the clock, not reactive state.
    // eslint-disable-next-line svelte/prefer-svelte-reactivity
    return parseDatePhrase(question, now ?? new Date(), timeZone, navigator.language);
  } catch {
    // An unknown zone or a parser failure: the question goes without a date, never fails.
    return null;
  }
}

class NotesPresence {
  hasNotes = $state(false);
  #watching = false;

  /** Follows the vault for the views (the "Use my notes" default shown). */
  watch(): void {
    if (this.#watching) return;
    this.#watching = true;
    observeCounts(({ live }) => (this.hasNotes = live > 0));
  }

  /** Reads it now, for an answer about to be grounded. */
  async check(): Promise<boolean> {
    this.hasNotes = (await liveNoteCount()) > 0;
    return this.hasNotes;
  }
}

export const notesPresence = new NotesPresence();

/** How many long-term memories a question may bring into the prompt. */
const memoriesPerQuestion = 5;

function sourceInWords(source: RecalledMemory['source']): string {
  if (source.kind === 'message') return 'told in a chat';
  if (source.kind === 'note') return 'from a note';
  return 'added on the Memory page';
}

/**
 * Recalls long-term memories for a question: the prompt's "What you have told me", each shown
 * under the answer as a source. A failed recall leaves them out and says so, never the answer.
 */
export const memoryHook: { recall: ((question: string) => Promise<MemoryInput[]>) | null } = {
  recall: async (question) => {
    try {
      // Imported when first asked, like retrieve(): the memory client starts a worker.
      const { recallMemories } = await import('./memory-recall');
      const recalled = await recallMemories(question, memoriesPerQuestion, (error) =>
        toasts.error(`Memories were matched by words only: ${errorMessage(error)}`),
      );
      return recalled.map((m) => ({ id: m.id, text: m.text, source: sourceInWords(m.source) }));
    } catch (error) {
      toasts.error(`Couldn't recall your memories for this answer: ${errorMessage(error)}`);
      return [];
    }
  },
};

/** The chat's grounding: its own setting, else on when the vault has notes. */
export async function groundingOf(saved: ChatGrounding | undefined): Promise<ChatGrounding> {
  if (saved) return saved;
  return defaultGrounding(await notesPresence.check());
}

export async function answerGrounding(
  question: string,
  saved: ChatGrounding | undefined,
  date: ParsedDate | null | undefined,
): Promise<AnswerGrounding> {
  const recall = memoryHook.recall;
  // Not awaited here: the notes' search starts at once and the two run side by side (a recall
  // never rejects: it leaves memories out and says so).
  const memories = recall ? stage('ground:memories', () => recall(question)) : [];
  const grounding = await groundingOf(saved);
  const found = readDate(question);
  return {
    grounding,
    date: date === undefined ? found : date,
    datePhrase: found,
    memories,
    // Imported when first asked: the search module starts workers (and needs a window).
    retrieve: async (query, options) =>
      (await import('../search/retrieve')).retrieve(query, options),
    pinned: async (ids, query) => (await import('../search/retrieve')).passagesOfNotes(ids, query),
  };
}

/** The note a "Pin a note" entry names (title, file name or path), or null. */
export async function noteToPin(name: string): Promise<{ id: string; title: string } | null> {
  const note = name.trim() ? await findByLinkTarget(name) : undefined;
  return note ? { id: note.id, title: note.title } : null;
}

/** Titles of pinned notes, in order; a note deleted since shows as such. */
export async function pinnedTitles(ids: string[]): Promise<{ id: string; title: string }[]> {
  const notes = await Promise.all(ids.map((id) => getNote(id)));
  return ids.map((id, i) => {
    const note = notes[i];
    return { id, title: note && note.deletedAt === 0 ? note.title : '(deleted note)' };
  });
}
