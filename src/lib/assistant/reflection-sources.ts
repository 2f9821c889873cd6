// What a reflection is given to read, one source per item, in the order they are offered to the
// model (best first: the budget keeps a prefix of this list). Every source names the note it came
// from so the panel can show it and link to it, and the saved note can list it.
import { splitFrontmatter } from '../vault/frontmatter';

export type SourceReason = 'entry' | 'week' | 'same-day' | 'recent' | 'similar';

export interface ReflectionSource {
  /** Unique in one context: the note id, or the chunk id for a retrieved passage. */
  id: string;
  noteId: string;
  path: string;
  title: string;
  /** `YYYY-MM-DD` */
  date: string;
  reason: SourceReason;
  /** What the model reads. */
  text: string;
  /** Where a retrieved passage sits in the note's text (end exclusive); absent for whole entries. */
  range?: { start: number; end: number } | undefined;
  headingPath: string[];
}

export const reasonLabels: Record<SourceReason, string> = {
  entry: 'This entry',
  week: 'This week',
  'same-day': 'Same day, earlier year',
  recent: 'Last 7 days',
  similar: 'Similar entry',
};

/** Longest text taken from an entry other than the one reflected on. */
export const maxExcerptChars = 1500;

const SENTENCE_END = /[.!?。！？…](?=\s)|\n/g;

/**
 * `text` whole when short enough, else its longest beginning that ends at a sentence or line end
 * within `maxChars`; a first sentence longer than that is kept whole (never cut mid-sentence).
 */
export function sentenceExcerpt(text: string, maxChars = maxExcerptChars): string {
  const clean = text.trim();
  if (clean.length <= maxChars) return clean;
  let cut = -1;
  let first = -1;
  for (const match of clean.matchAll(SENTENCE_END)) {
    const end = match.index + match[0].length;
    if (first < 0) first = end;
    if (end > maxChars) break;
    cut = end;
  }
  const end = cut > 0 ? cut : first > 0 ? first : clean.length;
  return clean.slice(0, end).trim();
}

/** An entry's text without its frontmatter. */
export const entryText = (content: string): string => splitFrontmatter(content).body.trim();

interface EntryLike {
  id: string;
  path: string;
  title: string;
  date: string;
  content: string;
}

export function wholeEntrySource(
  entry: EntryLike,
  reason: SourceReason,
  maxChars = maxExcerptChars,
): ReflectionSource {
  const body = entryText(entry.content);
  return {
    id: entry.id,
    noteId: entry.id,
    path: entry.path,
    title: entry.title,
    date: entry.date,
    reason,
    text: reason === 'entry' ? body : sentenceExcerpt(body, maxChars),
    headingPath: [],
  };
}

/** Keeps the first source of each note (and of each id), in order; empty texts are left out. */
export function distinctSources(sources: readonly ReflectionSource[]): ReflectionSource[] {
  const notes = new Set<string>();
  return sources.filter((s) => {
    if (!s.text.trim() || notes.has(s.noteId)) return false;
    notes.add(s.noteId);
    return true;
  });
}

const STOP_WORDS = new Set(
  (
    'about above after again also because been before being between both could does doing down ' +
    'during each from further have having here just more most other over same should some such ' +
    'than that their them then there these they this those through today under until very were ' +
    'what when where which while will with would your yours into only really still thing things ' +
    'went felt feel made make much many were'
  ).split(' '),
);

/**
 * The words that best stand for `text` in a keyword search (which needs every query word to
 * match, so each is searched on its own): frequent, longer words first, stop words left out.
 */
export function salientTerms(text: string, count: number): string[] {
  const freq = new Map<string, number>();
  for (const [word] of text.toLowerCase().matchAll(/\p{L}[\p{L}\p{M}'’-]*/gu)) {
    if ([...word].length < 4 || STOP_WORDS.has(word)) continue;
    freq.set(word, (freq.get(word) ?? 0) + 1);
  }
  return [...freq]
    .sort((a, b) => b[1] - a[1] || b[0].length - a[0].length || a[0].localeCompare(b[0]))
    .slice(0, count)
    .map(([word]) => word);
}
