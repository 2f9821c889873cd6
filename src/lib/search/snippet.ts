// A short window of a note's body around the first match, with every query-term occurrence marked.
// Returns plain parts for the view to render as text: never HTML.
//
// Only small windows of the body are ever split into words. Splitting a whole 7 KB note of CJK
// text took milliseconds (the Segmenter), and a search shows dozens of snippets; so the first
// match is found with a plain substring search of the normalized text, each candidate is
// checked on the words around it, and only the shown window is split to mark every hit.
import type { SnippetPart } from '../types';
import { normalize, queryWords, wordSpans, type QueryWord, type WordSpan } from './tokenizer';

export const snippetChars = 160;
/** How much text leads up to the first hit, so the reader sees it in context. */
const leadChars = 50;
/** Substring matches checked for a real word match before the snippet settles for the opening. */
const maxCandidates = 32;
/** Text split into words on each side of a candidate or window, so edge words are whole. */
const contextChars = 40;

interface Range {
  start: number;
  end: number;
}

/** What counts as a hit: the query's words (the last one as a prefix) and the index's terms. */
interface Matcher {
  isLatinHit: (term: string) => boolean;
  cjkWords: string[];
  /** Plain substrings whose occurrences are candidates for the first hit. */
  needles: string[];
}

/** The words of the last query: every hit of a search splits the same query (the Segmenter). */
let lastQuery: { query: string; words: QueryWord[] } | undefined;

function wordsOf(query: string): QueryWord[] {
  if (lastQuery?.query !== query) lastQuery = { query, words: queryWords(query) };
  return lastQuery.words;
}

function matcherFor(query: string, matchedTerms: string[]): Matcher {
  const words = wordsOf(query);
  const latin = words.filter((w) => !w.cjk);
  const cjkWords = words.filter((w) => w.cjk).map((w) => w.norm);
  const exact = new Set(matchedTerms);
  for (const w of latin) for (const part of [w.norm, ...w.norm.split(/[._:]+/)]) exact.add(part);
  // The last word is searched as a prefix (the user is still typing it).
  const prefix =
    latin
      .at(-1)
      ?.norm.split(/[._:]+/)
      .at(-1) ?? '';
  const isLatinHit = (term: string) =>
    exact.has(term) || (prefix !== '' && term.startsWith(prefix));
  const own = [...cjkWords, ...[...exact].filter((t) => !matchedTerms.includes(t))].filter(
    (t) => t !== '',
  );
  const needles = new Set(own);
  // Prefix and exact matches contain a query word; only typo matches need looking for apart.
  for (const term of matchedTerms) {
    if (needles.size >= 24) break;
    if (!own.some((w) => term.includes(w))) needles.add(term);
  }
  return { isLatinHit, cjkWords, needles: [...needles] };
}

function latinHits(spans: WordSpan[], isHit: (term: string) => boolean): Range[] {
  return spans
    .filter((s) => !s.cjk && (isHit(s.norm) || s.norm.split(/[._:]+/).some(isHit)))
    .map(({ start, end }) => ({ start, end }));
}

/** Finds each CJK query word as a substring of the runs of adjacent CJK segments. */
function cjkHits(spans: WordSpan[], words: string[]): Range[] {
  if (words.length === 0) return [];
  const hits: Range[] = [];
  let i = 0;
  while (i < spans.length) {
    if (!spans[i]!.cjk) {
      i++;
      continue;
    }
    // Map each code unit of the normalized run back to the original text; a segment whose
    // normalization changed its length (half-width kana) maps as a whole.
    let norm = '';
    const from: number[] = [];
    const to: number[] = [];
    let prevEnd = spans[i]!.start;
    for (; i < spans.length && spans[i]!.cjk && spans[i]!.start === prevEnd; i++) {
      const span = spans[i]!;
      const sameLength = span.norm.length === span.end - span.start;
      for (let k = 0; k < span.norm.length; k++) {
        from.push(sameLength ? span.start + k : span.start);
        to.push(sameLength ? span.start + k + 1 : span.end);
      }
      norm += span.norm;
      prevEnd = span.end;
    }
    for (const word of words) {
      for (let at = norm.indexOf(word); at >= 0; at = norm.indexOf(word, at + word.length)) {
        hits.push({ start: from[at]!, end: to[at + word.length - 1]! });
      }
    }
  }
  return hits;
}

function merge(ranges: Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => a.start - b.start);
  const out: Range[] = [];
  for (const r of sorted) {
    const last = out.at(-1);
    if (last && r.start <= last.end) last.end = Math.max(last.end, r.end);
    else out.push({ ...r });
  }
  return out;
}

/** Moves `at` to a word boundary (whitespace) if one is near, in the given direction. */
function nearBoundary(text: string, at: number, direction: 1 | -1, slackChars = 12): number {
  for (let k = 0; k <= slackChars; k++) {
    const i = at + k * direction;
    if (i <= 0 || i >= text.length) return Math.max(0, Math.min(text.length, i));
    if (/\s/.test(text[i]!)) return direction === 1 ? i + 1 : i;
  }
  const code = text.charCodeAt(at);
  // Never split a surrogate pair.
  return code >= 0xdc00 && code <= 0xdfff ? at + direction : at;
}

function push(parts: SnippetPart[], text: string, hit: boolean): void {
  const clean = text.replace(/\s+/g, ' ');
  if (!clean) return;
  const last = parts.at(-1);
  if (last && last.hit === hit) last.text += clean;
  else parts.push({ text: clean, hit });
}

/** Hits among the words of `body[from, to)`, widened to whole words where spaces allow. */
function hitsIn(body: string, from: number, to: number, m: Matcher): Range[] {
  const start = Math.max(0, from);
  const end = Math.min(body.length, to);
  const spans = wordSpans(body.slice(start, end)).map((s) => ({
    ...s,
    start: s.start + start,
    end: s.end + start,
  }));
  return merge([...latinHits(spans, m.isLatinHit), ...cjkHits(spans, m.cjkWords)]);
}

/** Start of the whitespace-delimited stretch around `at`, looking at most `slack` back. */
function wordStart(text: string, at: number, slack: number): number {
  for (let i = at; i > Math.max(0, at - slack); i--) if (/\s/.test(text[i - 1]!)) return i;
  return Math.max(0, at - slack);
}

function wordEnd(text: string, at: number, slack: number): number {
  for (let i = at; i < Math.min(text.length, at + slack); i++) if (/\s/.test(text[i]!)) return i;
  return Math.min(text.length, at + slack);
}

/** The first real hit in `body`, found through substring candidates of the normalized text. */
function firstHit(body: string, m: Matcher): Range | undefined {
  if (m.needles.length === 0) return undefined;
  const norm = normalize(body);
  // NFKC can change the length (ligatures, half-width kana): positions then drift a little.
  const drift = Math.min(2_000, Math.abs(norm.length - body.length));
  const scale = body.length / Math.max(1, norm.length);
  const candidates: number[] = [];
  for (const needle of m.needles) {
    for (let at = norm.indexOf(needle), n = 0; at >= 0 && n < maxCandidates; n++) {
      candidates.push(Math.round(at * scale));
      at = norm.indexOf(needle, at + needle.length);
    }
  }
  candidates.sort((a, b) => a - b);
  let checkedUpTo = -1;
  for (const at of candidates.slice(0, maxCandidates)) {
    if (at <= checkedUpTo) continue;
    const from = wordStart(body, at - drift, contextChars);
    const to = wordEnd(body, at + drift + 1, contextChars * 3);
    const hit = hitsIn(body, from, to, m).find((h) => h.end > at - drift);
    if (hit) return hit;
    checkedUpTo = to - contextChars;
  }
  return undefined;
}

export function buildSnippet(
  body: string,
  query: string,
  matchedTerms: string[] = [],
  windowChars = snippetChars,
): SnippetPart[] {
  const firstText = body.search(/\S/);
  if (firstText < 0) return [];
  const matcher = matcherFor(query, matchedTerms);
  const first = firstHit(body, matcher);
  const anchor = first?.start ?? firstText;
  let start =
    anchor - leadChars <= firstText ? firstText : nearBoundary(body, anchor - leadChars, 1);
  if (start > anchor) start = anchor;
  let end = start + windowChars;
  if (end < body.length) end = Math.max(nearBoundary(body, end, -1), first?.end ?? 0);
  else end = body.length;
  const hits = first
    ? hitsIn(body, wordStart(body, start, contextChars), wordEnd(body, end, contextChars), matcher)
    : [];

  const parts: SnippetPart[] = [];
  if (start > firstText) parts.push({ text: '…', hit: false });
  let at = start;
  for (const hit of hits) {
    if (hit.end <= start) continue;
    if (hit.start >= end) break;
    push(parts, body.slice(at, Math.max(at, hit.start)), false);
    push(parts, body.slice(Math.max(at, hit.start), Math.min(hit.end, end)), true);
    at = Math.min(hit.end, end);
  }
  push(parts, body.slice(at, end), false);
  if (end < body.length) push(parts, '…', false);
  if (parts[0] && !parts[0].hit) parts[0].text = parts[0].text.trimStart();
  const tail = parts.at(-1);
  if (tail && !tail.hit) tail.text = tail.text.trimEnd();
  return parts.filter((p) => p.text !== '');
}
