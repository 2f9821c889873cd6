// The date phrases chrono has no notion of, per language: calendar periods ("last week" is
// Monday to Sunday, where chrono gives the single day seven days back), rolling windows ("the
// past 10 days"), "on this day", a bare year and, where chrono lacks it, a month name. Each
// becomes an extra chrono parser, so chrono still finds every phrase and settles overlaps; these
// results carry a whole day range (or, for "on this day", a tag) instead of a single instant.

/** Chrono languages that also get these phrases; others get chrono's own parsers only. */
export type PhraseLanguage = 'en' | 'de' | 'fr' | 'es' | 'nl' | 'pt' | 'ru' | 'ja';

export type Period = 'week' | 'month' | 'year';

export interface DateWords {
  /** Regex sources for "this …" and "last …", per calendar period. */
  periods: Record<Period, { current: string; previous: string }>;
  /** "in the last 3 days": `{n}` is the count, `{unit}` the day/week/month word. */
  rolling?: { template: string; units: Record<'day' | 'week' | 'month', string> };
  /** "the past week": a rolling window of one unit. */
  rollingOne?: string;
  /** The same day in every earlier year ("on this day"). */
  everyYear: string[];
  /** The same day last year ("a year ago today"). */
  lastYear: string[];
  /** Words that make a lone month name or year a date ("in March", "since 2024"). */
  prepositions: string[];
  /** "between 1 and 10 June": the words around the two days. */
  between?: { before: string; and: string };
  /** Add a "month name [year]" parser built from Intl month names (chrono lacks one here). */
  monthNames?: boolean;
  /** Scripts written without spaces: match without word boundaries. */
  noWordBoundaries?: boolean;
}

export const dateWords: Record<PhraseLanguage, DateWords> = {
  en: {
    between: { before: 'between(?: the)?', and: 'and(?: the)?' },
    periods: {
      week: { current: '(?:this|the current) week', previous: '(?:last|the previous) week' },
      month: { current: '(?:this|the current) month', previous: '(?:last|the previous) month' },
      year: { current: '(?:this|the current) year', previous: '(?:last|the previous) year' },
    },
    rolling: {
      template: '(?:(?:in|over|during|for) )?(?:the )?(?:last|past|previous) {n} {unit}',
      units: { day: 'days?', week: 'weeks?', month: 'months?' },
    },
    rollingOne: '(?:(?:in|over|during|for) )?the past {unit}',
    everyYear: [
      'on this day in (?:previous|earlier|past|other|former) years',
      'on this (?:day|date)',
      'on this day in history',
    ],
    lastYear: [
      '(?:on )?this (?:day|date) last year',
      '(?:a|one) year ago today',
      'today (?:a|one) year ago',
      '(?:on )?this day a year ago',
    ],
    prepositions: ['in', 'on', 'during', 'since', 'from', 'throughout', 'for', 'of'],
  },
  de: {
    between: { before: 'zwischen(?: dem)?', and: 'und(?: dem)?' },
    periods: {
      week: {
        current: '(?:in )?dieser Woche|diese Woche',
        previous:
          '(?:in der )?(?:letzten|vergangenen|vorigen) Woche|(?:letzte|vergangene|vorige) Woche|(?:in der )?Vorwoche',
      },
      month: {
        current: '(?:in )?diesem Monat|diesen Monat',
        previous: '(?:im )?(?:letzten|vergangenen|vorigen) Monat|(?:im )?Vormonat',
      },
      year: {
        current: '(?:in )?diesem Jahr|dieses Jahr',
        previous:
          '(?:im )?(?:letzten|vergangenen|vorigen) Jahr|(?:letztes|vergangenes|voriges) Jahr|(?:im )?Vorjahr',
      },
    },
    rolling: {
      template: '(?:(?:in|während) den )?(?:letzten|vergangenen|zurückliegenden) {n} {unit}',
      units: { day: 'Tagen?|Tage', week: 'Wochen?', month: 'Monaten?|Monate' },
    },
    everyYear: [
      'an diesem Tag(?: in (?:früheren|vergangenen|den letzten) Jahren)?',
      'heute vor (?:einigen|ein paar) Jahren',
    ],
    lastYear: [
      'heute vor einem Jahr',
      'vor einem Jahr heute',
      'an diesem Tag (?:im )?(?:letzten|letztes|vergangenen|vorigen) Jahr',
    ],
    prepositions: ['im', 'in', 'am', 'seit', 'vom', 'von', 'während', 'ab', 'aus'],
    monthNames: true,
  },
  fr: {
    between: { before: 'entre(?: le)?', and: 'et(?: le)?' },
    periods: {
      week: { current: 'cette semaine', previous: '(?:la )?semaine (?:derni[eè]re|pass[ée]e)' },
      month: { current: 'ce mois(?:-ci)?', previous: '(?:le )?mois (?:dernier|pass[ée])' },
      year: {
        current: 'cette ann[ée]e',
        previous: "(?:l['’])?(?:ann[ée]e (?:derni[eè]re|pass[ée]e)|an dernier)",
      },
    },
    rolling: {
      template: '(?:(?:au cours|pendant|durant) )?(?:des |les |ces )?{n} {unit}',
      units: { day: 'derniers jours', week: 'derni[eè]res semaines', month: 'derniers mois' },
    },
    everyYear: ['en ce jour(?: les années précédentes)?', '(?:à|a) pareille date'],
    lastYear: [
      "il y a (?:un|1) an(?: jour pour jour|,? aujourd['’]hui)",
      "aujourd['’]hui il y a (?:un|1) an",
    ],
    prepositions: ['en', 'depuis', 'pendant', 'durant', 'de', 'du', 'dès', 'au'],
    monthNames: true,
  },
  es: {
    between: { before: 'entre(?: el)?', and: 'y(?: el)?' },
    periods: {
      week: { current: 'esta semana', previous: '(?:la )?semana (?:pasada|anterior)' },
      month: { current: 'este mes', previous: '(?:el )?mes (?:pasado|anterior)' },
      year: { current: 'este año', previous: '(?:el )?año (?:pasado|anterior)' },
    },
    rolling: {
      template: '(?:en |durante )?(?:los |las )?(?:últimos|últimas|pasados|pasadas) {n} {unit}',
      units: { day: 'días', week: 'semanas', month: 'meses' },
    },
    everyYear: ['(?:en )?un día como hoy', 'en este día'],
    lastYear: [
      'hoy hace un año',
      'hace un año hoy',
      'hace un año,? (?:tal día como hoy|un día como hoy)',
    ],
    prepositions: ['en', 'desde', 'durante', 'de'],
  },
  nl: {
    between: { before: 'tussen', and: 'en' },
    periods: {
      week: { current: 'deze week', previous: '(?:vorige|afgelopen) week' },
      month: { current: 'deze maand', previous: '(?:vorige|afgelopen) maand' },
      year: { current: 'dit jaar', previous: '(?:vorig|afgelopen) jaar' },
    },
    rolling: {
      template: '(?:(?:in|tijdens) )?(?:de )?(?:afgelopen|laatste) {n} {unit}',
      units: { day: 'dagen', week: 'weken', month: 'maanden' },
    },
    everyYear: ['op deze dag(?: in (?:eerdere|vorige) jaren)?'],
    lastYear: ['vandaag een jaar geleden', 'een jaar geleden vandaag', 'vandaag vorig jaar'],
    prepositions: ['in', 'op', 'sinds', 'tijdens', 'van', 'vanaf'],
  },
  pt: {
    between: { before: 'entre', and: 'e' },
    periods: {
      week: { current: '(?:n)?esta semana', previous: '(?:na |a )?semana (?:passada|anterior)' },
      month: { current: '(?:n)?este mês', previous: '(?:no |o )?mês (?:passado|anterior)' },
      year: { current: '(?:n)?este ano', previous: '(?:no |o )?ano (?:passado|anterior)' },
    },
    rolling: {
      template: '(?:n[oa]s |durante [oa]s )?(?:últimos|últimas) {n} {unit}',
      units: { day: 'dias', week: 'semanas', month: 'meses' },
    },
    everyYear: ['neste (?:mesmo )?dia(?: em anos anteriores)?'],
    lastYear: ['há um ano,? hoje', 'hoje há um ano', 'hoje faz um ano'],
    prepositions: ['em', 'no', 'desde', 'durante', 'de'],
    monthNames: true,
  },
  ru: {
    periods: {
      week: { current: 'на этой неделе', previous: 'на прошлой неделе' },
      month: { current: 'в этом месяце', previous: 'в прошлом месяце' },
      year: { current: 'в этом году', previous: 'в прошлом году' },
    },
    everyYear: ['в этот день(?: в прошлые годы)?'],
    lastYear: ['год назад сегодня', 'сегодня год назад'],
    prepositions: ['в', 'с', 'во'],
  },
  ja: {
    periods: {
      week: { current: '今週', previous: '先週' },
      month: { current: '今月', previous: '先月' },
      year: { current: '今年', previous: '去年|昨年' },
    },
    everyYear: ['今日と同じ日', '過去の今日'],
    lastYear: ['去年の今日', '一年前の今日', '1年前の今日'],
    prepositions: [],
    noWordBoundaries: true,
  },
};
