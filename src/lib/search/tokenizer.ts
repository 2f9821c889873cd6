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
// Every CJK character is indexed on its own too, so one-character queries find it.

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
/**
 * A CJK run, a run of another unspaced script (with the spaces between its phrases: one
 * Segmenter call per line rather than per phrase), or a word (letters joined by . : ' ’ count
 * as one).
 */
const scanner = new RegExp(
  // Combining voiced-sound marks (U+3099, U+309A) after kana stay in the CJK run.
  `((?:[${cjkChars}]\\p{M}*)+)|([${unspacedChars}]+(?:[ \\t]+[${unspacedChars}]+)*)|(${wordChar}+(?:['’.:]${wordChar}+)*)`,
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

const HANGUL_ONLY = /^[\p{sc=Hangul}\p{M}]+$/u;

function segmentRun(run: string, offset: number, cjk: boolean, out: WordSpan[]): void {
  // Korean is written with spaces and ICU keeps a Hangul run as one word: its answer is known
  // without the call, which costs ~0.1 ms even for a short word.
  if (cjk && run.length <= maxRunChars && HANGUL_ONLY.test(run)) {
    out.push({ start: offset, end: offset + run.length, norm: normalize(run), cjk });
    return;
  }
  for (let from = 0; from < run.length;) {
    // Cut at a space when there is one, so no word is split.
    const space = run.lastIndexOf(' ', from + maxRunChars);
    const to = from + maxRunChars < run.length && space > from ? space : from + maxRunChars;
    const piece = run.slice(from, to);
    for (const { segment, index, isWordLike } of segmenter.segment(piece)) {
      if (!isWordLike) continue;
      const start = offset + from + index;
      out.push({ start, end: start + segment.length, norm: normalize(segment), cjk });
    }
    from = to;
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

/** Each character of a CJK run, and each pair of neighbours. */
function cjkTerms(norm: string, out: string[]): void {
  const chars = Array.from(norm);
  for (let i = 0; i < chars.length; i++) {
    out.push(chars[i]!);
    if (i + 1 < chars.length) out.push(chars[i]! + chars[i + 1]!);
  }
}

/**
 * Terms to index for a document field. CJK runs become every character and every bigram
 * without asking the Segmenter: a query word's bigrams are looked up whatever the dictionary
 * decided, so the document side never needed its words, only its single-character ones, and
 * the Segmenter was the costliest step of indexing Chinese (~1.3 µs a character).
 */
export function tokenizeDocument(text: string): string[] {
  const terms: string[] = [];
  const unspaced: WordSpan[] = [];
  scanner.lastIndex = 0;
  for (let m = scanner.exec(text); m; m = scanner.exec(text)) {
    const [match, cjkRun, unspacedRun] = m;
    if (cjkRun) cjkTerms(normalize(cjkRun), terms);
    else if (unspacedRun) {
      unspaced.length = 0;
      segmentRun(unspacedRun, m.index, false, unspaced);
      for (const span of unspaced) terms.push(...latinTerms(span.norm, true));
    } else terms.push(...latinTerms(normalize(match), true));
  }
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
