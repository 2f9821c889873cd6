// Finds the date in a question ("what did I write last week about sleep") and turns it into a
// filter over journal days. chrono-node finds the phrase, in the user's language first and then
// in the others it ships; date-parsers.ts adds what chrono lacks (whole weeks, rolling windows,
// "on this day"). All arithmetic is on wall-clock days in the user's time zone, so a question
// asked at 00:30 in Auckland means Auckland's today, whatever the host clock's zone.
import * as chrono from 'chrono-node';
import type { Chrono, ParsedComponents, ParsedResult } from 'chrono-node';
import {
  calendarDate,
  dayNumber,
  daysInMonth,
  isoDate,
  isValidDate,
  isoWeekday,
  zonedToday,
  type DayNumber,
} from './calendar-day';
import { everyYearTag, hearthParsers, hearthTag } from './date-parsers';
import { dateWords, type PhraseLanguage } from './date-words';

export type DateQuery =
  /** Inclusive `YYYY-MM-DD` bounds, like `SearchFilters.from` / `to`. */
  | { kind: 'range'; from: string; to: string }
  /** "On this day": the same month and day in years before `beforeYear`. */
  | { kind: 'day-of-year'; month: number; day: number; beforeYear: number };

export interface ParsedDate {
  query: DateQuery;
  /** The words of the question that gave the date, as typed. */
  phrase: string;
  /** `question.slice(start, end) === phrase` */
  start: number;
  end: number;
  /** For the UI chip, e.g. "last week: 23–29 Nov 2026". */
  label: string;
}

const chronoByLanguage: Record<string, Chrono> = {
  en: chrono.en.casual,
  de: chrono.de.casual,
  fr: chrono.fr.casual,
  es: chrono.es.casual,
  nl: chrono.nl.casual,
  pt: chrono.pt.casual,
  ru: chrono.ru.casual,
  ja: chrono.ja.casual,
  it: chrono.it.casual,
  sv: chrono.sv.casual,
  fi: chrono.fi.casual,
  uk: chrono.uk.casual,
  zh: chrono.zh.casual,
};
/** Tried in turn after the user's own language; each brings false positives, so only these. */
const fallbackLanguages: PhraseLanguage[] = ['en', 'de', 'fr', 'es', 'nl', 'pt', 'ru', 'ja'];
/** English regions that write 3/5 for 3 May. */
const littleEndianEnglish = /^en-(?!US|CA|PH)/i;

const parsersCache = new Map<string, Chrono>();

function parserFor(language: string, littleEndian: boolean): Chrono | null {
  const key = littleEndian ? `${language}-GB` : language;
  const cached = parsersCache.get(key);
  if (cached) return cached;
  const base = littleEndian ? chrono.en.GB : chronoByLanguage[language];
  if (!base) return null;
  const parser = base.clone();
  const words = dateWords[language as PhraseLanguage] as
    (typeof dateWords)[PhraseLanguage] | undefined;
  if (words) parser.parsers.unshift(...hearthParsers(words, language));
  parsersCache.set(key, parser);
  return parser;
}

interface DaySpan {
  from: DayNumber;
  to: DayNumber;
}

function known(components: ParsedComponents, name: 'year' | 'month' | 'day' | 'weekday') {
  return components.isCertain(name) ? components.get(name) : null;
}

/** The latest year, not after today's, in which month/day is a real day on or before today. */
function latestYearOf(month: number, day: number, today: DayNumber): number | null {
  const { year } = calendarDate(today);
  for (let y = year; y > year - 8; y--) {
    if (isValidDate(y, month, day) && dayNumber(y, month, day) <= today) return y;
  }
  return null;
}

function monthSpan(year: number, month: number): DaySpan {
  return { from: dayNumber(year, month, 1), to: dayNumber(year, month, daysInMonth(year, month)) };
}

/** The days one side of a chrono result stands for; a missing year means the latest past one. */
function spanOf(
  components: ParsedComponents,
  today: DayNumber,
  year: number | null,
): DaySpan | null {
  const now = calendarDate(today);
  const y = known(components, 'year') ?? year;
  const m = known(components, 'month');
  const d = known(components, 'day');
  if (d !== null) {
    const month = m ?? (d <= now.day ? now.month : now.month - 1);
    const resolvedYear = y ?? latestYearOf(month, d, today);
    if (resolvedYear === null || !isValidDate(resolvedYear, month, d)) return null;
    const day = dayNumber(resolvedYear, month, d);
    return { from: day, to: day };
  }
  if (m !== null) return monthSpan(y ?? (m <= now.month ? now.year : now.year - 1), m);
  if (y !== null) return { from: dayNumber(y, 1, 1), to: dayNumber(y, 12, 31) };
  const weekday = known(components, 'weekday');
  if (weekday !== null) {
    const day = today - ((isoWeekday(today) - ((weekday + 6) % 7) + 7) % 7);
    return { from: day, to: day };
  }
  // "this morning", "tonight": a part of a day chrono places on an implied date.
  if ([...components.tags()].some((tag) => tag.startsWith('casualReference/'))) {
    const day = dayNumber(
      components.get('year') ?? 0,
      components.get('month') ?? 0,
      components.get('day') ?? 0,
    );
    return { from: day, to: day };
  }
  return null; // a time of day alone ("at 5pm") is no date
}

function prepositionsOf(language: string): string | null {
  const words = dateWords[language as PhraseLanguage] as
    (typeof dateWords)[PhraseLanguage] | undefined;
  return words && words.prepositions.length > 0 ? `(?:${words.prepositions.join('|')})` : null;
}

/** The preposition just before a phrase ("in " of "in March"), to cut out with it. */
function prepositionPattern(language: string): RegExp | null {
  const words = prepositionsOf(language);
  return words ? new RegExp(`(?:^|[^\\p{L}\\p{N}])(${words}\\s+)$`, 'iu') : null;
}

/** Chrono sometimes takes the preposition into the phrase itself (Russian "в марте"). */
function prepositionAtStart(language: string): RegExp | null {
  const words = prepositionsOf(language);
  return words ? new RegExp(`^${words}\\s`, 'iu') : null;
}

function weekdayNames(language: string): string[] {
  const format = new Intl.DateTimeFormat(language, { weekday: 'long', timeZone: 'UTC' });
  // 5–11 January 1970 run Monday to Sunday.
  return Array.from({ length: 7 }, (_, i) =>
    format.format(Date.UTC(1970, 0, 5 + i)).toLocaleLowerCase(language),
  );
}

/** A whole year on its own ("last year", "2024"), which may qualify a month before it. */
function yearOnly(result: ParsedResult): number | null {
  const start = result.start;
  if (!result.end) {
    return known(start, 'month') === null && known(start, 'day') === null
      ? known(start, 'year')
      : null;
  }
  const from = calendarDate(
    dayNumber(start.get('year') ?? 0, start.get('month') ?? 0, start.get('day') ?? 0),
  );
  const end = result.end;
  const wholeYear =
    from.month === 1 && from.day === 1 && end.get('month') === 12 && end.get('day') === 31;
  return wholeYear && end.get('year') === from.year ? from.year : null;
}

interface Found {
  query: DateQuery;
  start: number;
  end: number;
}

function interpret(
  results: ParsedResult[],
  index: number,
  text: string,
  today: DayNumber,
  language: string,
): Found | null {
  const result = results[index];
  if (!result) return null;
  let start = result.index;
  let end = result.index + result.text.length;
  const prepositions = prepositionPattern(language);
  const preposition = prepositions?.exec(text.slice(0, start))?.[1];
  const startsWithPreposition = prepositionAtStart(language)?.test(result.text) ?? false;
  if (result.tags().has(everyYearTag)) {
    const month = result.start.get('month') ?? 0;
    const day = result.start.get('day') ?? 0;
    return {
      query: { kind: 'day-of-year', month, day, beforeYear: calendarDate(today).year },
      start,
      end,
    };
  }
  const first = result.start;
  const dated = known(first, 'day') !== null;
  // chrono reads "March of the penguins" and "Jan and April" as months: a lone month counts only
  // after a preposition ("in March") or with a year.
  const loneMonth = !dated && known(first, 'month') !== null && known(first, 'year') === null;
  if (
    loneMonth &&
    !result.tags().has(hearthTag) &&
    !result.end &&
    !preposition &&
    !startsWithPreposition
  ) {
    return null;
  }
  // A weekday only when written in full: German chrono takes the "Do" of "Do I have …" for Thursday.
  if (!dated && known(first, 'month') === null && known(first, 'weekday') !== null) {
    const written = result.text.toLocaleLowerCase(language);
    if (!weekdayNames(language).some((name) => written.includes(name))) return null;
  }
  let year: number | null = null;
  const next = results[index + 1];
  if (next && known(first, 'year') === null && known(first, 'month') !== null && !result.end) {
    const gap = text.slice(end, next.index);
    const nextYear = yearOnly(next);
    if (nextYear !== null && /^(?:\s*,?\s*|\s+of\s+)$/iu.test(gap)) {
      year = nextYear;
      end = next.index + next.text.length;
    }
  }
  const from = spanOf(first, today, year);
  if (!from) return null;
  let to = from;
  if (result.end) {
    const fromYear = calendarDate(from.from).year;
    const endSpan = spanOf(result.end, today, known(result.end, 'year') ?? fromYear);
    if (!endSpan) return null;
    to = endSpan.to < from.from ? (spanOf(result.end, today, fromYear + 1) ?? endSpan) : endSpan;
  }
  if (preposition) start -= preposition.length;
  return { query: { kind: 'range', from: isoDate(from.from), to: isoDate(to.to) }, start, end };
}

function labelOf(phrase: string, query: DateQuery, locale: string | undefined): string {
  if (query.kind === 'day-of-year') {
    const monthDay = new Intl.DateTimeFormat(locale, {
      day: 'numeric',
      month: 'long',
      timeZone: 'UTC',
    });
    const when = monthDay.format(Date.UTC(2000, query.month - 1, query.day));
    return `${phrase}: ${when}, years before ${query.beforeYear}`;
  }
  const format = new Intl.DateTimeFormat(locale, {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  });
  return `${phrase}: ${format.formatRange(new Date(`${query.from}T00:00Z`), new Date(`${query.to}T00:00Z`))}`;
}

function languagesFor(locale: string | undefined): string[] {
  const own = locale?.split(/[-_]/)[0]?.toLowerCase();
  const order = own && own in chronoByLanguage ? [own] : [];
  for (const language of fallbackLanguages) if (!order.includes(language)) order.push(language);
  return order;
}

/**
 * The first date phrase in `question`, read at `now` in the IANA `timeZone`, or null.
 * `locale` (BCP 47) picks the language tried first and the label's format.
 * Throws RangeError for an unknown time zone.
 */
export function parseDatePhrase(
  question: string,
  now: Date,
  timeZone: string,
  locale?: string,
): ParsedDate | null {
  const { today, offsetMinutes } = zonedToday(now, timeZone);
  // A question that is only a year ("2024"): chrono drops all-digit phrases as unlikely dates.
  const bareYear = /^(\s*)((?:19|20)\d\d)\s*[?.!]?\s*$/u.exec(question);
  if (bareYear?.[1] !== undefined && bareYear[2] !== undefined) {
    const start = bareYear[1].length;
    const query: DateQuery = {
      kind: 'range',
      from: `${bareYear[2]}-01-01`,
      to: `${bareYear[2]}-12-31`,
    };
    return {
      query,
      phrase: bareYear[2],
      start,
      end: start + 4,
      label: labelOf(bareYear[2], query, locale),
    };
  }
  for (const language of languagesFor(locale)) {
    const littleEndian = language === 'en' && !!locale && littleEndianEnglish.test(locale);
    const parser = parserFor(language, littleEndian);
    if (!parser) continue;
    const results = parser.parse(
      question,
      { instant: now, timezone: offsetMinutes },
      { forwardDate: false },
    );
    for (let i = 0; i < results.length; i++) {
      const found = interpret(results, i, question, today, language);
      if (!found) continue;
      const phrase = question.slice(found.start, found.end);
      return { ...found, phrase, label: labelOf(phrase, found.query, locale) };
    }
  }
  return null;
}

/** The question with the date phrase cut out, for the keyword side of retrieval. */
export function questionWithoutDate(question: string, parsed: ParsedDate): string {
  return `${question.slice(0, parsed.start)} ${question.slice(parsed.end)}`
    .replace(/\s+/gu, ' ')
    .replace(/\s+([?.!,;:])/gu, '$1')
    .replace(/^[\s,;:]+/u, '')
    .trim();
}
