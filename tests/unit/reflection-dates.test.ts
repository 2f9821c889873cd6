// The days a reflection reads: the same day in earlier years (29 February included), the seven
// days before an entry across month and year ends, and ISO 8601 weeks across year boundaries.
import { describe, expect, it } from 'vitest';
import {
  daysBefore,
  isoWeekDays,
  isoWeekOf,
  isoWeeksIn,
  parseWeekKey,
  sameDayEarlierYears,
  weekKey,
} from '../../src/lib/assistant/reflection-dates';

describe('sameDayEarlierYears', () => {
  it('lists the same month and day in each earlier year, newest first', () => {
    expect(sameDayEarlierYears('2026-03-18', 2023)).toEqual([
      '2025-03-18',
      '2024-03-18',
      '2023-03-18',
    ]);
  });

  it('is empty when the entry is in the oldest year', () => {
    expect(sameDayEarlierYears('2026-03-18', 2026)).toEqual([]);
  });

  it('gives 29 February the 28th in years without a 29th, and the 29th in leap years', () => {
    expect(sameDayEarlierYears('2024-02-29', 2019)).toEqual([
      '2023-02-28',
      '2022-02-28',
      '2021-02-28',
      '2020-02-29',
      '2019-02-28',
    ]);
  });

  it('keeps 28 February as the 28th, leap year or not', () => {
    expect(sameDayEarlierYears('2025-02-28', 2024)).toEqual(['2024-02-28']);
  });

  it('refuses what is not a real date', () => {
    expect(() => sameDayEarlierYears('2025-02-29', 2020)).toThrow(RangeError);
    expect(() => sameDayEarlierYears('18/03/2026', 2020)).toThrow(RangeError);
  });
});

describe('daysBefore', () => {
  it('lists the seven days before the entry, newest first, not the entry day', () => {
    expect(daysBefore('2026-03-18', 7)).toEqual([
      '2026-03-17',
      '2026-03-16',
      '2026-03-15',
      '2026-03-14',
      '2026-03-13',
      '2026-03-12',
      '2026-03-11',
    ]);
  });

  it('crosses a year end and a leap day', () => {
    expect(daysBefore('2025-01-03', 4)).toEqual([
      '2025-01-02',
      '2025-01-01',
      '2024-12-31',
      '2024-12-30',
    ]);
    expect(daysBefore('2024-03-02', 3)).toEqual(['2024-03-01', '2024-02-29', '2024-02-28']);
  });

  it('does not move with the host time zone or DST (days are plain numbers)', () => {
    // 29 March 2026 is the EU's spring-forward night; nothing here reads a clock.
    expect(daysBefore('2026-03-30', 2)).toEqual(['2026-03-29', '2026-03-28']);
  });
});

describe('ISO weeks', () => {
  it.each([
    ['2026-01-01', '2026-W01'], // Thursday: week 1 of its own year
    ['2025-12-29', '2026-W01'], // Monday of 2026's first week
    ['2027-01-01', '2026-W53'], // Friday: the last week of 2026, which has 53
    ['2027-01-03', '2026-W53'],
    ['2027-01-04', '2027-W01'],
    ['2021-01-03', '2020-W53'],
    ['2024-12-30', '2025-W01'],
    ['2026-03-18', '2026-W12'],
  ])('%s is in %s', (day, week) => {
    expect(weekKey(isoWeekOf(day))).toBe(week);
  });

  it('counts 52 or 53 weeks a year', () => {
    expect(isoWeeksIn(2026)).toBe(53);
    expect(isoWeeksIn(2020)).toBe(53);
    expect(isoWeeksIn(2025)).toBe(52);
    expect(isoWeeksIn(2027)).toBe(52);
  });

  it('lists a week Monday to Sunday, across a year end', () => {
    expect(isoWeekDays({ year: 2026, week: 1 })).toEqual([
      '2025-12-29',
      '2025-12-30',
      '2025-12-31',
      '2026-01-01',
      '2026-01-02',
      '2026-01-03',
      '2026-01-04',
    ]);
    expect(isoWeekDays({ year: 2026, week: 53 })[6]).toBe('2027-01-03');
  });

  it('every day of a listed week belongs to that week (two years, every week)', () => {
    for (const year of [2020, 2026]) {
      for (let week = 1; week <= isoWeeksIn(year); week++) {
        for (const day of isoWeekDays({ year, week })) {
          expect(isoWeekOf(day)).toEqual({ year, week });
        }
      }
    }
  });

  it('reads week keys and refuses impossible ones', () => {
    expect(parseWeekKey('2026-W12')).toEqual({ year: 2026, week: 12 });
    expect(parseWeekKey('2026-W53')).toEqual({ year: 2026, week: 53 });
    expect(() => parseWeekKey('2025-W53')).toThrow(RangeError);
    expect(() => parseWeekKey('2026-W00')).toThrow(RangeError);
    expect(() => parseWeekKey('2026-12')).toThrow(RangeError);
  });
});
