// Plain calendar days, free of clocks and time zones: a day is its number since 1970-01-01, so
// "a week earlier" is `day - 7` and no DST change or host time zone can shift it by an hour.
// The one place a time zone enters is `zonedToday`, which reads the wall clock in an IANA zone.

/** Days since 1970-01-01 in the proleptic Gregorian calendar. */
export type DayNumber = number;

const msPerDay = 86_400_000;

export interface CalendarDate {
  year: number;
  /** 1–12 */
  month: number;
  /** 1–31 */
  day: number;
}

export function dayNumber(year: number, month: number, day: number): DayNumber {
  return Math.floor(Date.UTC(year, month - 1, day) / msPerDay);
}

export function calendarDate(day: DayNumber): CalendarDate {
  const date = new Date(day * msPerDay);
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

/** `YYYY-MM-DD`, the form `SearchFilters` bounds take. */
export function isoDate(day: DayNumber): string {
  return new Date(day * msPerDay).toISOString().slice(0, 10);
}

/** 0 for Monday … 6 for Sunday (ISO 8601 weeks start on Monday). */
export function isoWeekday(day: DayNumber): number {
  return (((day + 3) % 7) + 7) % 7;
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** A real date, not one `Date.UTC` would quietly roll over (31 June, 29 February 2025). */
export function isValidDate(year: number, month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

export interface ZonedNow {
  today: DayNumber;
  /** Minutes east of UTC at `now` in that zone (Berlin in winter: 60). */
  offsetMinutes: number;
}

/** The wall-clock day at `now` in `timeZone`; throws RangeError for an unknown zone. */
export function zonedToday(now: Date, timeZone: string): ZonedNow {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
    hourCycle: 'h23',
  }).formatToParts(now);
  const field = (type: Intl.DateTimeFormatPartTypes): number =>
    Number(parts.find((part) => part.type === type)?.value);
  const year = field('year');
  const month = field('month');
  const day = field('day');
  const wallMs = Date.UTC(year, month - 1, day, field('hour'), field('minute'), field('second'));
  const instantMs = Math.floor(now.getTime() / 1000) * 1000;
  return {
    today: dayNumber(year, month, day),
    offsetMinutes: Math.round((wallMs - instantMs) / 60_000),
  };
}
