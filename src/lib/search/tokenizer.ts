// One tokenizer for documents and queries. Intl.Segmenter finds the words (with ICU's dictionary
// for Chinese and Japanese, where there are no spaces); terms are NFKC-normalized and lower-cased.
//
// Runs of CJK text are indexed as overlapping character bigrams rather than dictionary words:
// a short query is segmented without its context, so its words often differ from the document's
// (e.g. query "展開する" vs document "…に展開し…"). Bigrams of each query word must all occur in
// the document, which holds whatever the dictionary decided. Single-character CJK words (common
// in Chinese) are indexed as they are, so one-character queries still find them.

export interface WordSpan {
  /** Offsets into the original text. */
  start: number;
  end: number;
  /** NFKC + lower-case form of the segment. */
  norm: string;
  cjk: boolean;
}

const segmenter = new Intl.Segmenter([], { granularity: 'word' });

const CJK =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u3005\u30fc\uff70]/u;

/** Splits identifiers like `tar.gz`, `snake_case` or `www.gnu.org` into searchable parts too. */
const JOINER = /[._:]+/;

export function normalize(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

export function isCjk(term: string): boolean {
  return CJK.test(term);
}

/** Word-like segments of `text` with their offsets; stops after `maxChars` of text when given. */
export function wordSpans(text: string, maxChars = Infinity): WordSpan[] {
  const spans: WordSpan[] = [];
  for (const { segment, index, isWordLike } of segmenter.segment(text)) {
    if (index > maxChars) break;
    if (!isWordLike) continue;
    const norm = normalize(segment);
    spans.push({ start: index, end: index + segment.length, norm, cjk: isCjk(norm) });
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
