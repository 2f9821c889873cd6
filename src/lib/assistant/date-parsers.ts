// Turns the word lists of date-words.ts into chrono parsers. A parser's result is either a day
// range (start and end with year, month and day known) or, for "on this day", a month and day
// tagged `everyYearTag`. "Today" comes from chrono's reference (instant plus the zone offset we
// gave it), never from the host clock or host time zone.
import type { Parser, ParsingContext } from 'chrono-node';
import { calendarDate, dayNumber, daysInMonth, isoWeekday, type DayNumber } from './calendar-day';
import type { DateWords, Period } from './date-words';

export const everyYearTag = 'hearth/every-year';
/** Marks results of these parsers: their month or year already passed the preposition check. */
export const hearthTag = 'hearth/phrase';

function todayOf(context: ParsingContext): DayNumber {
  const offsetMinutes = context.reference.timezoneOffset ?? 0;
  return Math.floor((context.reference.instant.getTime() + offsetMinutes * 60_000) / 86_400_000);
}

function dayRange(
  context: ParsingContext,
  match: RegExpMatchArray,
  from: DayNumber,
  to: DayNumber,
) {
  const result = context.createParsingResult(
    match.index ?? 0,
    match[0],
    calendarDate(from),
    calendarDate(to),
  );
  return result.addTag(hearthTag);
}

function periodRange(today: DayNumber, period: Period, offset: number): [DayNumber, DayNumber] {
  const { year, month } = calendarDate(today);
  if (period === 'week') {
    const monday = today - isoWeekday(today) + 7 * offset;
    return [monday, monday + 6];
  }
  if (period === 'month') {
    const first = dayNumber(year, month + offset, 1);
    const { year: y, month: m } = calendarDate(first);
    return [first, dayNumber(y, m, daysInMonth(y, m))];
  }
  return [dayNumber(year + offset, 1, 1), dayNumber(year + offset, 12, 31)];
}

/** The same month and day `years` back, 29 February falling back to the 28th. */
function sameDayYearsBack(today: DayNumber, years: number): DayNumber {
  const { year, month, day } = calendarDate(today);
  return dayNumber(year - years, month, Math.min(day, daysInMonth(year - years, month)));
}

function rollingStart(today: DayNumber, unit: 'day' | 'week' | 'month', count: number): DayNumber {
  if (unit === 'day') return today - count;
  if (unit === 'week') return today - 7 * count;
  const { year, month, day } = calendarDate(today);
  const first = calendarDate(dayNumber(year, month - count, 1));
  return dayNumber(first.year, first.month, Math.min(day, daysInMonth(first.year, first.month)));
}

type Extract = (context: ParsingContext, match: RegExpMatchArray) => ReturnType<Parser['extract']>;

function makeParser(words: DateWords, sources: string[], extract: Extract): Parser {
  const before = words.noWordBoundaries ? '' : '(?<![\\p{L}\\p{N}])';
  const after = words.noWordBoundaries ? '' : '(?![\\p{L}\\p{N}])';
  const pattern = new RegExp(`${before}(?:${sources.join('|')})${after}`, 'iu');
  return { pattern: () => pattern, extract };
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Lower-case month names, January first, as Intl writes them in `language`. */
export function monthNames(language: string, style: 'long' | 'short' = 'long'): string[] {
  const format = new Intl.DateTimeFormat(language, { month: style, timeZone: 'UTC' });
  return Array.from({ length: 12 }, (_, i) =>
    format
      .format(Date.UTC(2000, i, 1))
      .replace(/\.$/u, '')
      .toLocaleLowerCase(language),
  );
}

function monthOf(names: string[], language: string, text: string | undefined): number {
  return text === undefined ? 0 : names.indexOf(text.toLocaleLowerCase(language)) + 1;
}

function monthNameParser(words: DateWords, language: string): Parser {
  const names = monthNames(language);
  const monthGroup = `(${names.map(escapeRegExp).join('|')})`;
  const preposition = `(?:${words.prepositions.join('|')})`;
  // A lone month name is a date only after a preposition ("im März"); with a year it always is.
  const sources = [
    `${preposition} ${monthGroup}(?: (?:de )?(\\d{4}))?`,
    `${monthGroup} (?:de )?(\\d{4})`,
  ];
  return makeParser(words, sources, (context, match) => {
    const month = monthOf(names, language, match[1] ?? match[3]);
    const yearText = match[2] ?? match[4];
    if (month === 0) return null;
    const known = yearText === undefined ? { month } : { month, year: Number(yearText) };
    return context.createParsingComponents(known).addTag(hearthTag);
  });
}

/** "between 1 and 10 June [2024]"; chrono reads only "10 June" there. */
function betweenParser(
  words: DateWords,
  language: string,
  between: { before: string; and: string },
): Parser {
  const names = [...monthNames(language), ...monthNames(language, 'short')];
  const monthGroup = `(${names.map(escapeRegExp).join('|')})`;
  const day = '(\\d{1,2})(?:\\.|st|nd|rd|th)?';
  const source = `(?:${between.before}) ${day} (?:${between.and}) ${day} (?:of |de )?${monthGroup}(?: (?:de )?(\\d{4}))?`;
  return makeParser(words, [source], (context, match) => {
    const month = ((monthOf(names, language, match[3]) - 1) % 12) + 1;
    if (month === 0) return null;
    const year = match[4] === undefined ? {} : { year: Number(match[4]) };
    return context.createParsingResult(
      match.index ?? 0,
      match[0],
      { ...year, month, day: Number(match[1]) },
      { ...year, month, day: Number(match[2]) },
    );
  });
}

/** The extra chrono parsers for one language, most specific first. */
export function hearthParsers(words: DateWords, language: string): Parser[] {
  const parsers: Parser[] = [
    makeParser(words, words.lastYear, (context, match) => {
      const day = sameDayYearsBack(todayOf(context), 1);
      return dayRange(context, match, day, day);
    }),
    makeParser(words, words.everyYear, (context) => {
      const { month, day } = calendarDate(todayOf(context));
      return context.createParsingComponents({ month, day }).addTag(everyYearTag);
    }),
  ];
  if (words.rolling) {
    const { template, units } = words.rolling;
    const unitGroups = `(?:(?<day>${units.day})|(?<week>${units.week})|(?<month>${units.month}))`;
    // Separate parsers: one regex may not name a group twice.
    const sources = [template.replace('{n}', '(\\d{1,3})').replace('{unit}', unitGroups)];
    if (words.rollingOne) sources.push(words.rollingOne.replace('{unit}', unitGroups));
    for (const source of sources) {
      parsers.push(
        makeParser(words, [source], (context, match) => {
          const groups = match.groups ?? {};
          const unit = groups.day ? 'day' : groups.week ? 'week' : 'month';
          const count = source.includes('(\\d{1,3})') ? Number(match[1]) : 1;
          if (!(count >= 1)) return null;
          const today = todayOf(context);
          return dayRange(context, match, rollingStart(today, unit, count), today);
        }),
      );
    }
  }
  for (const period of ['week', 'month', 'year'] as const) {
    const { current, previous } = words.periods[period];
    for (const [source, offset] of [
      [current, 0],
      [previous, -1],
    ] as const) {
      parsers.push(
        makeParser(words, [source], (context, match) => {
          const [from, to] = periodRange(todayOf(context), period, offset);
          return dayRange(context, match, from, to);
        }),
      );
    }
  }
  if (words.monthNames) parsers.push(monthNameParser(words, language));
  if (words.between) parsers.push(betweenParser(words, language, words.between));
  if (words.prepositions.length > 0) {
    // Chrono finds no bare year; only after a preposition, so "2000 steps" stays text.
    const source = `(?:${words.prepositions.join('|')}) ((?:19|20)\\d\\d)`;
    parsers.push(
      makeParser(words, [source], (context, match) =>
        context.createParsingComponents({ year: Number(match[1]) }).addTag(hearthTag),
      ),
    );
  }
  return parsers;
}
