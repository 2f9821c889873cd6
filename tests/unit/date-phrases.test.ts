// Date phrases in a question become a journal date filter. Every case fixes "now" and the time
// zone; expected days are worked out by hand from a calendar, never by the code under test.
import { afterEach, describe, expect, it } from 'vitest';
import {
  parseDatePhrase,
  questionWithoutDate,
  type DateQuery,
} from '../../src/lib/assistant/date-phrases';

/** Wednesday 2 December 2026, 11:00 in Berlin. */
const wednesday = new Date('2026-12-02T10:00:00Z');
const berlin = 'Europe/Berlin';

function range(question: string, now = wednesday, zone = berlin, locale?: string) {
  const parsed = parseDatePhrase(question, now, zone, locale);
  return parsed?.query.kind === 'range'
    ? [parsed.query.from, parsed.query.to]
    : (parsed?.query ?? null);
}

describe('English phrases, now = Wed 2 Dec 2026 in Berlin', () => {
  it.each([
    ['what did I write last week about sleep', '2026-11-23', '2026-11-29'],
    ['how was this week', '2026-11-30', '2026-12-06'],
    ['last month', '2026-11-01', '2026-11-30'],
    ['what did I do in March', '2026-03-01', '2026-03-31'],
    ['in March 2023', '2023-03-01', '2023-03-31'],
    ['in December', '2026-12-01', '2026-12-31'],
    ['what did I eat yesterday', '2026-12-01', '2026-12-01'],
    ['today', '2026-12-02', '2026-12-02'],
    ['what happened on 3 May', '2026-05-03', '2026-05-03'],
    ['what happened on 30 December', '2025-12-30', '2025-12-30'],
    ['between 1 and 10 June', '2026-06-01', '2026-06-10'],
    ['between the 1st and 10th of June 2024', '2024-06-01', '2024-06-10'],
    ['1-10 June', '2026-06-01', '2026-06-10'],
    ['from 28 Dec to 3 Jan', '2025-12-28', '2026-01-03'],
    ['2024', '2024-01-01', '2024-12-31'],
    ['notes from 2024 about taxes', '2024-01-01', '2024-12-31'],
    ['last year', '2025-01-01', '2025-12-31'],
    ['in May last year', '2025-05-01', '2025-05-31'],
    ['what did I feel in the last 3 days', '2026-11-29', '2026-12-02'],
    ['past 10 days', '2026-11-22', '2026-12-02'],
    ['over the past week', '2026-11-25', '2026-12-02'],
    ['the last 2 months', '2026-10-02', '2026-12-02'],
    ['this morning', '2026-12-02', '2026-12-02'],
    ['last Tuesday', '2026-12-01', '2026-12-01'],
    ['Friday', '2026-11-27', '2026-11-27'],
    ['this day last year', '2025-12-02', '2025-12-02'],
    ['a year ago today', '2025-12-02', '2025-12-02'],
  ])('%s → %s … %s', (question, from, to) => {
    expect(range(question)).toEqual([from, to]);
  });

  it('reads "on this day" as the same month and day in earlier years', () => {
    const expected: DateQuery = { kind: 'day-of-year', month: 12, day: 2, beforeYear: 2026 };
    expect(parseDatePhrase('what did I write on this day?', wednesday, berlin)?.query).toEqual(
      expected,
    );
    expect(parseDatePhrase('on this day in previous years', wednesday, berlin)?.query).toEqual(
      expected,
    );
  });

  it('gives null when there is no date, or only a time of day', () => {
    for (const question of [
      'March of the penguins',
      'I met Jan and April',
      'at 5pm',
      'Is the meeting at 5pm?',
      'I walked 2000 steps',
      'Tell me about my garden',
      'may I ask something',
      'Do I have any notes on Java?',
      'Summarize notes about Paris and Rome',
    ]) {
      expect(parseDatePhrase(question, wednesday, berlin), question).toBeNull();
    }
  });
});

describe('the most recent month or day, not one in the future', () => {
  it('takes last year for a month still to come, this year for the current one', () => {
    const february = new Date('2026-02-10T12:00:00Z');
    expect(range('in March', february)).toEqual(['2025-03-01', '2025-03-31']);
    expect(range('in February', february)).toEqual(['2026-02-01', '2026-02-28']);
    const march = new Date('2026-03-01T12:00:00Z');
    expect(range('in March', march)).toEqual(['2026-03-01', '2026-03-31']);
  });

  it('handles 29 February: a year ago is the 28th, on this day keeps the 29th', () => {
    const leapDay = new Date('2028-02-29T12:00:00Z');
    expect(range('a year ago today', leapDay)).toEqual(['2027-02-28', '2027-02-28']);
    expect(range('on this day', leapDay)).toEqual({
      kind: 'day-of-year',
      month: 2,
      day: 29,
      beforeYear: 2028,
    });
    expect(range('on 29 February 2024', new Date('2026-06-01T12:00:00Z'))).toEqual([
      '2024-02-29',
      '2024-02-29',
    ]);
  });
});

describe('time zones: the local day, not the UTC one', () => {
  it('in Auckland, 00:30 on 2 Dec is 2 Dec though UTC still says 1 Dec', () => {
    const now = new Date('2026-12-01T11:30:00Z');
    expect(range('today', now, 'Pacific/Auckland')).toEqual(['2026-12-02', '2026-12-02']);
    expect(range('yesterday', now, 'Pacific/Auckland')).toEqual(['2026-12-01', '2026-12-01']);
    expect(range('on this day', now, 'Pacific/Auckland')).toEqual({
      kind: 'day-of-year',
      month: 12,
      day: 2,
      beforeYear: 2026,
    });
    expect(range('today', now, 'UTC')).toEqual(['2026-12-01', '2026-12-01']);
  });

  it('in Los Angeles, 22:00 on 1 Dec is 1 Dec though UTC says 2 Dec', () => {
    const now = new Date('2026-12-02T06:00:00Z');
    expect(range('today', now, 'America/Los_Angeles')).toEqual(['2026-12-01', '2026-12-01']);
    expect(range('last month', new Date('2026-12-01T05:00:00Z'), 'America/Los_Angeles')).toEqual([
      '2026-10-01',
      '2026-10-31',
    ]);
  });

  it('Berlin, the night after clocks go back (Sun 25 Oct 2026): Monday starts a new week', () => {
    const now = new Date('2026-10-25T23:30:00Z'); // 00:30 CET on Monday 26 Oct
    expect(range('this week', now, berlin)).toEqual(['2026-10-26', '2026-11-01']);
    expect(range('last week', now, berlin)).toEqual(['2026-10-19', '2026-10-25']);
    expect(range('last week', now, 'UTC')).toEqual(['2026-10-12', '2026-10-18']);
  });

  it('Los Angeles, the evening clocks go forward (Sun 8 Mar 2026): still that week', () => {
    const now = new Date('2026-03-09T06:30:00Z'); // 23:30 PDT on Sunday 8 Mar
    expect(range('this week', now, 'America/Los_Angeles')).toEqual(['2026-03-02', '2026-03-08']);
    expect(range('past 7 days', now, 'America/Los_Angeles')).toEqual(['2026-03-01', '2026-03-08']);
  });

  it('Auckland, the night clocks go forward (Sun 27 Sep 2026)', () => {
    const now = new Date('2026-09-27T12:30:00Z'); // 01:30 NZDT on Monday 28 Sep
    expect(range('this week', now, 'Pacific/Auckland')).toEqual(['2026-09-28', '2026-10-04']);
    expect(range('yesterday', now, 'Pacific/Auckland')).toEqual(['2026-09-27', '2026-09-27']);
  });

  describe('does not depend on the host time zone', () => {
    const hostZone = process.env.TZ;
    afterEach(() => {
      if (hostZone === undefined) delete process.env.TZ;
      else process.env.TZ = hostZone;
    });

    it('gives the same answers under four host zones', () => {
      const now = new Date('2026-12-01T11:30:00Z');
      const questions = [
        'today',
        'yesterday',
        'last week',
        'in March',
        'on 3 May',
        'past 10 days',
        'this morning',
        'Friday',
      ];
      const answers = (zone: string) => {
        process.env.TZ = zone;
        return questions.map((q) => range(q, now, 'Pacific/Auckland'));
      };
      const reference = answers('UTC');
      expect(reference[0]).toEqual(['2026-12-02', '2026-12-02']);
      for (const zone of ['Pacific/Kiritimati', 'America/Los_Angeles', 'Asia/Kolkata']) {
        expect(answers(zone), zone).toEqual(reference);
      }
    });
  });

  it('property: "this week" is the Monday–Sunday holding the local day; "last week" is the one before', () => {
    let seed = 12345;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const zones = [
      'Europe/Berlin',
      'Pacific/Auckland',
      'America/Los_Angeles',
      'Asia/Kathmandu',
      'UTC',
    ];
    for (let i = 0; i < 200; i++) {
      const now = new Date(Date.UTC(2020, 0, 1) + Math.floor(random() * 3650 * 86_400_000));
      const zone = zones[i % zones.length] ?? 'UTC';
      const localDay = now.toLocaleDateString('en-CA', { timeZone: zone }); // YYYY-MM-DD
      const [from, to] = range('this week', now, zone) as [string, string];
      const [lastFrom, lastTo] = range('last week', now, zone) as [string, string];
      const dayMs = (iso: string) => Date.parse(`${iso}T00:00:00Z`);
      expect(new Date(dayMs(from)).getUTCDay(), `${now.toISOString()} ${zone}`).toBe(1);
      expect(dayMs(to) - dayMs(from)).toBe(6 * 86_400_000);
      expect(localDay >= from && localDay <= to, `${localDay} in ${from}…${to}`).toBe(true);
      expect(dayMs(from) - dayMs(lastTo)).toBe(86_400_000);
      expect(dayMs(lastTo) - dayMs(lastFrom)).toBe(6 * 86_400_000);
    }
  });
});

describe('other languages', () => {
  it.each([
    ['de', 'was habe ich letzte Woche geschrieben', '2026-11-23', '2026-11-29'],
    ['de', 'was war im März', '2026-03-01', '2026-03-31'],
    ['de', 'März 2023', '2023-03-01', '2023-03-31'],
    ['de', 'in den letzten 3 Tagen', '2026-11-29', '2026-12-02'],
    ['de', 'heute vor einem Jahr', '2025-12-02', '2025-12-02'],
    ['de', 'vom 1. bis 10. Juni', '2026-06-01', '2026-06-10'],
    ['de', 'zwischen dem 1. und 10. Juni', '2026-06-01', '2026-06-10'],
    ['de', 'gestern', '2026-12-01', '2026-12-01'],
    ['fr', "qu'ai-je écrit la semaine dernière", '2026-11-23', '2026-11-29'],
    ['fr', 'en mars 2023', '2023-03-01', '2023-03-31'],
    ['fr', 'les 3 derniers jours', '2026-11-29', '2026-12-02'],
    ['fr', 'du 1 au 10 juin', '2026-06-01', '2026-06-10'],
    ['fr', 'ce matin', '2026-12-02', '2026-12-02'],
    ['es', 'la semana pasada', '2026-11-23', '2026-11-29'],
    ['es', 'el mes pasado', '2026-11-01', '2026-11-30'],
    ['es', 'el 3 de mayo', '2026-05-03', '2026-05-03'],
    ['nl', 'vorige week', '2026-11-23', '2026-11-29'],
    ['nl', 'in maart', '2026-03-01', '2026-03-31'],
    ['pt', 'o que escrevi na semana passada', '2026-11-23', '2026-11-29'],
    ['pt', 'em março de 2023', '2023-03-01', '2023-03-31'],
    ['ru', 'на прошлой неделе', '2026-11-23', '2026-11-29'],
    ['ru', 'в марте', '2026-03-01', '2026-03-31'],
    ['ja', '先週', '2026-11-23', '2026-11-29'],
    ['ja', '去年', '2025-01-01', '2025-12-31'],
    ['ja', '昨日', '2026-12-01', '2026-12-01'],
  ])('%s: %s → %s … %s', (locale, question, from, to) => {
    expect(range(question, wednesday, berlin, locale)).toEqual([from, to]);
  });

  it('reads "on this day" in German, Dutch and Portuguese', () => {
    const expected = { kind: 'day-of-year', month: 12, day: 2, beforeYear: 2026 };
    expect(range('an diesem Tag', wednesday, berlin, 'de-DE')).toEqual(expected);
    expect(range('op deze dag', wednesday, berlin, 'nl')).toEqual(expected);
    expect(range('neste dia', wednesday, berlin, 'pt-BR')).toEqual(expected);
  });

  it('tries other languages when the locale is not given or does not match', () => {
    expect(range('la semaine dernière')).toEqual(['2026-11-23', '2026-11-29']);
    expect(range('gestern', wednesday, berlin, 'en-US')).toEqual(['2026-12-01', '2026-12-01']);
  });
});

describe('phrase, position, label and the question left for keywords', () => {
  it('reports where the phrase is, its preposition included', () => {
    const question = 'what did I write in March about sleep?';
    const parsed = parseDatePhrase(question, wednesday, berlin);
    expect(parsed?.phrase).toBe('in March');
    expect(question.slice(parsed?.start, parsed?.end)).toBe('in March');
    expect(parsed && questionWithoutDate(question, parsed)).toBe('what did I write about sleep?');
  });

  it.each([
    ['what did I write last week about sleep', 'what did I write about sleep'],
    ['Yesterday, how did I sleep?', 'how did I sleep?'],
    ['was habe ich in den letzten 3 Tagen geschrieben', 'was habe ich geschrieben'],
  ])('%s → %s', (question, rest) => {
    const parsed = parseDatePhrase(
      question,
      wednesday,
      berlin,
      question.startsWith('was') ? 'de' : 'en',
    );
    expect(parsed && questionWithoutDate(question, parsed)).toBe(rest);
  });

  it('labels the chip with the phrase and the days, in the given locale', () => {
    expect(parseDatePhrase('last week', wednesday, berlin, 'en-GB')?.label).toMatch(
      /^last week: 23\s?–\s?29 Nov 2026$/u,
    );
    expect(parseDatePhrase('letzte Woche', wednesday, berlin, 'de')?.label).toMatch(
      /^letzte Woche: 23\.\s?–\s?29\. Nov\. 2026$/u,
    );
    expect(parseDatePhrase('yesterday', wednesday, berlin, 'en-GB')?.label).toBe(
      'yesterday: 1 Dec 2026',
    );
    expect(parseDatePhrase('on this day', wednesday, berlin, 'en-GB')?.label).toBe(
      'on this day: 2 December, years before 2026',
    );
  });
});

describe('known limits (pinned so a change is noticed)', () => {
  it('"a year ago" alone is the whole of last year; "since March" is March only', () => {
    expect(range('a year ago')).toEqual(['2025-01-01', '2025-12-31']);
    expect(range('since March')).toEqual(['2026-03-01', '2026-03-31']);
  });

  it('"last weekend", "on the 5th" and a yearless 29 February are not found', () => {
    expect(range('last weekend')).toBeNull();
    // chrono checks 29 February against next year, where it does not exist.
    expect(range('on 29 February', new Date('2026-06-01T12:00:00Z'))).toBeNull();
    expect(range('what happened on the 5th')).toBeNull();
  });

  it('the first date wins when a question has two', () => {
    expect(range('compare last week with last month')).toEqual(['2026-11-23', '2026-11-29']);
  });
});
