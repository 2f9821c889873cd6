// One tokenizer for documents and queries. Terms are NFKC-normalized and lower-cased.
//
// Scripts written without spaces (Chinese, Japanese, Thai, Lao, Khmer, Myanmar) are split into
// words by Intl.Segmenter, which uses ICU's dictionaries. Space-delimited text is split by a
// regular expression following the same word rules: measured on the tldr corpus, the Segmenter
// spent ~2.5 s on text that the expression scans in under 0.1 s, and its cost grows faster than
// linearly with string length (a 10 MB string did not finish in a minute), so it only ever sees
// short runs.
//
// Runs of CJK text are indexed as overlapping character bigrams rather than dictionary words:
// a short query is segmented without its context, so its words can differ from the document's
// (tldr's 7z page reads ファイル|ア|ー|カイバ in context, while the query アーカイバ is one word).
// Bigrams of each query word must all occur in the document, whatever the dictionary decided.
// Single-character CJK words (common in Chinese) are indexed as they are, so one-character
// queries still find them.

export interface WordSpan {
  /** Offsets into the original text. */
  start: number;
  end: number;
  /** NFKC + lower-case form of the word. */
  norm: string;
  cjk: boolean;
}

const segmenter = new Intl.Segmenter([], { granularity: 'word' });

const cjkChars =
  '\\p{sc=Han}\\p{sc=Hiragana}\\p{sc=Katakana}\\p{sc=Hangul}\\u3005\\u309b\\u309c\\u30fc\\uff70\\uff9e\\uff9f';
const unspacedChars = '\\p{sc=Thai}\\p{sc=Lao}\\p{sc=Khmer}\\p{sc=Myanmar}';
const wordChar = `(?:(?![${cjkChars}${unspacedChars}])[\\p{L}\\p{M}\\p{N}\\p{Pc}])`;
/** A CJK run, a run of another unspaced script, or a word (letters joined by . : ' ’ count as one). */
const scanner = new RegExp(
  // Combining voiced-sound marks (U+3099, U+309A) after kana stay in the CJK run.
  `((?:[${cjkChars}]\\p{M}*)+)|([${unspacedChars}]+)|(${wordChar}+(?:['’.:]${wordChar}+)*)`,
  'gu',
);
const CJK = new RegExp(`[${cjkChars}]`, 'u');

/** Splits identifiers like `tar.gz`, `snake_case` or `www.gnu.org` into searchable parts too. */
const JOINER = /[._:]+/;

export function normalize(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

export function isCjk(term: string): boolean {
  return CJK.test(term);
}

/** Longer runs are cut (rarely mid-word) so the Segmenter's cost stays linear. */
const maxRunChars = 1_000;

function segmentRun(run: string, offset: number, cjk: boolean, out: WordSpan[]): void {
  for (let from = 0; from < run.length; from += maxRunChars) {
    const piece = run.slice(from, from + maxRunChars);
    for (const { segment, index, isWordLike } of segmenter.segment(piece)) {
      if (!isWordLike) continue;
      const start = offset + from + index;
      out.push({ start, end: start + segment.length, norm: normalize(segment), cjk });
    }
  }
}

/** The words of `text` with their offsets; stops after `maxChars` of text when given. */
export function wordSpans(text: string, maxChars = Infinity): WordSpan[] {
  const spans: WordSpan[] = [];
  scanner.lastIndex = 0;
  for (let m = scanner.exec(text); m && m.index <= maxChars; m = scanner.exec(text)) {
    const [match, cjkRun, unspacedRun] = m;
    if (cjkRun) segmentRun(cjkRun, m.index, true, spans);
    else if (unspacedRun) segmentRun(unspacedRun, m.index, false, spans);
    else
      spans.push({
        start: m.index,
        end: m.index + match.length,
        norm: normalize(match),
        cjk: false,
      });
  }
  return spans;
}

function bigrams(run: string): string[] {
  const chars = Array.from(run);
  if (chars.length < 2) return chars;
  const out: string[] = [];
  for (let i = 0; i < chars.length - 1; i++) out.push(chars[i]! + chars[i + 1]!);
  return out;
}

function latinTerms(norm: string, withWhole: boolean): string[] {
  const parts = norm.split(JOINER).filter(Boolean);
  if (parts.length <= 1) return [norm];
  return withWhole ? [norm, ...parts] : parts;
}

/** Terms to index for a document field. */
export function tokenizeDocument(text: string): string[] {
  const terms: string[] = [];
  let run = '';
  let runEnd = -1;
  const flushRun = () => {
    if (run) terms.push(...bigrams(run));
    run = '';
  };
  for (const span of wordSpans(text)) {
    if (!span.cjk) {
      flushRun();
      terms.push(...latinTerms(span.norm, true));
      continue;
    }
    // A CJK run spans adjacent word segments, so its bigrams cross the dictionary's boundaries.
    if (span.start !== runEnd) flushRun();
    if (Array.from(span.norm).length === 1) terms.push(span.norm);
    run += span.norm;
    runEnd = span.end;
  }
  flushRun();
  return terms;
}

/** A query word as the user typed it, for search and for highlighting. */
export interface QueryWord {
  norm: string;
  cjk: boolean;
}

export function queryWords(query: string): QueryWord[] {
  return wordSpans(query).map(({ norm, cjk }) => ({ norm, cjk }));
}

/** Terms to look up for a query: each must match (the last one as a prefix). */
export function tokenizeQuery(query: string): string[] {
  return queryWords(query).flatMap((word) =>
    word.cjk ? bigrams(word.norm) : latinTerms(word.norm, false),
  );
}
