// The days a reflection looks at, as `YYYY-MM-DD` keys: the same calendar day in earlier years,
// the days just before an entry, and ISO 8601 weeks for the weekly review. All arithmetic runs on
// plain day numbers (calendar-day.ts), so no time zone or DST change can shift a day.
import { calendarDate, dayNumber, isoDate, isoWeekday, isValidDate } from './calendar-day';

const DATE_KEY = /^(\d{4})-(\d{2})-(\d{2})$/;
const WEEK_KEY = /^(\d{4})-W(\d{2})$/;

/** The day number of a `YYYY-MM-DD` key; throws RangeError for anything else. */
export function dayOfKey(key: string): number {
  const match = DATE_KEY.exec(key);
  const year = Number(match?.[1]);
  const month = Number(match?.[2]);
  const day = Number(match?.[3]);
  if (!match || !isValidDate(year, month, day)) throw new RangeError(`Not a date: “${key}”.`);
  return dayNumber(year, month, day);
}

/**
 * The same month and day in each year before `key`'s, newest first, back to `oldestYear`.
 * A 29 February entry looks at 28 February in years that have no 29th, so it still has company.
 */
export function sameDayEarlierYears(key: string, oldestYear: number): string[] {
  const { year, month, day } = calendarDate(dayOfKey(key));
  const out: string[] = [];
  for (let y = year - 1; y >= oldestYear; y--) {
    const d = isValidDate(y, month, day) ? day : day - 1;
    out.push(isoDate(dayNumber(y, month, d)));
  }
  return out;
}

/** The `count` days before `key`, newest first (the entry's own day is not one of them). */
export function daysBefore(key: string, count: number): string[] {
  const day = dayOfKey(key);
  return Array.from({ length: count }, (_, i) => isoDate(day - 1 - i));
}

export interface IsoWeek {
  /** The ISO week-numbering year: 29 December 2025 falls in week 1 of 2026. */
  year: number;
  /** 1–53 */
  week: number;
}

/** The ISO week a day belongs to: the week of its Thursday. */
export function isoWeekOf(key: string): IsoWeek {
  const day = dayOfKey(key);
  const thursday = day - isoWeekday(day) + 3;
  const year = calendarDate(thursday).year;
  return { year, week: Math.floor((thursday - dayNumber(year, 1, 1)) / 7) + 1 };
}

/** How many ISO weeks `year` has: 53 when 28 December falls in week 53, else 52. */
export function isoWeeksIn(year: number): number {
  return isoWeekOf(isoDate(dayNumber(year, 12, 28))).week;
}

/** `2026-W03` */
export function weekKey({ year, week }: IsoWeek): string {
  return `${String(year).padStart(4, '0')}-W${String(week).padStart(2, '0')}`;
}

/** The week a `YYYY-Www` key names (an `<input type="week">` value); throws RangeError otherwise. */
export function parseWeekKey(key: string): IsoWeek {
  const match = WEEK_KEY.exec(key);
  const year = Number(match?.[1]);
  const week = Number(match?.[2]);
  if (!match || week < 1 || week > isoWeeksIn(year)) throw new RangeError(`Not a week: “${key}”.`);
  return { year, week };
}

/** The seven days of an ISO week, Monday first. */
export function isoWeekDays({ year, week }: IsoWeek): string[] {
  // 4 January is always in week 1.
  const jan4 = dayNumber(year, 1, 4);
  const monday = jan4 - isoWeekday(jan4) + (week - 1) * 7;
  return Array.from({ length: 7 }, (_, i) => isoDate(monday + i));
}
