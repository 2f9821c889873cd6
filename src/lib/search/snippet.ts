// A short window of a note's body around the first match, with every query-term occurrence marked.
// Returns plain parts for the view to render as text: never HTML.
import type { SnippetPart } from '../types';
import { queryWords, wordSpans, type WordSpan } from './tokenizer';

export const snippetChars = 160;
/** How much text leads up to the first hit, so the reader sees it in context. */
const leadChars = 50;
/** Notes can be megabytes; a match past this point shows the note's opening instead. */
const maxScanChars = 100_000;

interface Range {
  start: number;
  end: number;
}

function latinHits(spans: WordSpan[], query: string, matchedTerms: string[]): Range[] {
  const words = queryWords(query).filter((w) => !w.cjk);
  const exact = new Set(matchedTerms);
  for (const w of words) for (const part of [w.norm, ...w.norm.split(/[._:]+/)]) exact.add(part);
  // The last word is searched as a prefix (the user is still typing it).
  const prefix =
    words
      .at(-1)
      ?.norm.split(/[._:]+/)
      .at(-1) ?? '';
  const isHit = (term: string) => exact.has(term) || (prefix !== '' && term.startsWith(prefix));
  return spans
    .filter((s) => !s.cjk && (isHit(s.norm) || s.norm.split(/[._:]+/).some(isHit)))
    .map(({ start, end }) => ({ start, end }));
}

/** Finds each CJK query word as a substring of the runs of adjacent CJK segments. */
function cjkHits(spans: WordSpan[], query: string): Range[] {
  const words = queryWords(query).filter((w) => w.cjk);
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
    for (const { norm: word } of words) {
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

export function buildSnippet(
  body: string,
  query: string,
  matchedTerms: string[] = [],
  windowChars = snippetChars,
): SnippetPart[] {
  const spans = wordSpans(body, maxScanChars);
  const hits = merge([...latinHits(spans, query, matchedTerms), ...cjkHits(spans, query)]);
  const firstText = body.search(/\S/);
  if (firstText < 0) return [];
  const anchor = hits[0]?.start ?? firstText;
  let start =
    anchor - leadChars <= firstText ? firstText : nearBoundary(body, anchor - leadChars, 1);
  if (start > anchor) start = anchor;
  let end = start + windowChars;
  if (end < body.length) end = Math.max(nearBoundary(body, end, -1), hits[0]?.end ?? 0);
  else end = body.length;

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
