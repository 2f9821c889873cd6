// Gathers what a reflection reads. For an entry: the entry, the same day in earlier years, the
// seven days before it, and the earlier entries most like it (by meaning when an embedding model
// answers, else by its most telling words). For a weekly review: the week's entries. Nothing here
// is cut to a budget; reflection-prompt.ts keeps the best-ranked prefix that fits.
import type { NoteWithContent } from '../types';
import { journalEntriesOn, oldestJournalDay } from '../db/journal-reads';
import { retrieve, type RetrievedChunk } from '../search/retrieve';
import { isoDate } from './calendar-day';
import {
  dayOfKey,
  daysBefore,
  isoWeekDays,
  sameDayEarlierYears,
  type IsoWeek,
} from './reflection-dates';
import {
  distinctSources,
  entryText,
  salientTerms,
  wholeEntrySource,
  type ReflectionSource,
} from './reflection-sources';

export interface ReflectionContext {
  sources: ReflectionSource[];
  /** How similar entries were found: by meaning, by keywords, or not at all (nothing earlier). */
  similarBy: 'semantic' | 'keyword' | 'none';
}

export const recentDays = 7;
export const similarCount = 4;
/** The semantic query is the entry's beginning; embedders read a few hundred tokens at most. */
const queryChars = 2000;
const keywordTerms = 3;

function chunkSource(chunk: RetrievedChunk): ReflectionSource {
  return {
    id: chunk.chunkId,
    noteId: chunk.noteId,
    path: chunk.path,
    title: chunk.title,
    date: chunk.date,
    reason: 'similar',
    text: chunk.text.trim(),
    range: { start: chunk.start, end: chunk.end },
    headingPath: chunk.headingPath,
  };
}

async function similarEntries(
  entry: NoteWithContent,
  exclude: ReadonlySet<string>,
): Promise<{ chunks: RetrievedChunk[]; by: ReflectionContext['similarBy'] }> {
  const filters = { kind: 'journal' as const, to: isoDate(dayOfKey(entry.date) - 1) };
  const body = entryText(entry.content);
  if (!body) return { chunks: [], by: 'none' };
  const useful = (chunks: RetrievedChunk[]) =>
    chunks.filter((c) => c.noteId !== entry.id && !exclude.has(c.noteId));
  const first = await retrieve(body.slice(0, queryChars), { k: similarCount * 2, filters });
  if (first.semantic) return { chunks: useful(first.chunks), by: 'semantic' };
  // Keyword search needs every word of a query to match: ask for each telling word on its own.
  const perTerm = await Promise.all(
    salientTerms(body, keywordTerms).map((term) => retrieve(term, { k: similarCount, filters })),
  );
  const chunks: RetrievedChunk[] = [];
  const seen = new Set<string>();
  // Round-robin over the terms, so the best match of each word comes before the seconds.
  for (let rank = 0; rank < similarCount; rank++) {
    for (const r of perTerm) {
      const chunk = r.chunks[rank];
      if (chunk && !seen.has(chunk.chunkId)) {
        seen.add(chunk.chunkId);
        chunks.push(chunk);
      }
    }
  }
  return { chunks: useful([...first.chunks, ...chunks]), by: 'keyword' };
}

export async function entryContext(entry: NoteWithContent): Promise<ReflectionContext> {
  const oldest = await oldestJournalDay();
  const oldestYear = Number((oldest ?? entry.date).slice(0, 4));
  const [sameDay, recent] = await Promise.all([
    journalEntriesOn(sameDayEarlierYears(entry.date, oldestYear)),
    journalEntriesOn(daysBefore(entry.date, recentDays)),
  ]);
  const dated = [
    wholeEntrySource(entry, 'entry'),
    ...sameDay.map((e) => wholeEntrySource(e, 'same-day')),
    ...recent.map((e) => wholeEntrySource(e, 'recent')),
  ];
  const similar = await similarEntries(entry, new Set(dated.map((s) => s.noteId)));
  const sources = distinctSources([...dated, ...similar.chunks.map(chunkSource)]);
  const similarKept = sources.filter((s) => s.reason === 'similar').slice(0, similarCount);
  return {
    sources: [...sources.filter((s) => s.reason !== 'similar'), ...similarKept],
    similarBy: similar.by,
  };
}

export async function weekContext(week: IsoWeek): Promise<ReflectionContext> {
  const entries = await journalEntriesOn(isoWeekDays(week));
  return {
    sources: distinctSources(entries.map((e) => wholeEntrySource(e, 'week'))),
    similarBy: 'none',
  };
}
