// Cutting text that is too long for one chunk: by lines and sentences, then by words, then by
// characters (Chinese and Japanese put no spaces between words). Every piece is a range of the
// full text without surrounding whitespace, so the chunker's ranges stay exact slices.

export interface Span {
  start: number;
  end: number;
  /** Tokens of the piece alone: counted whole, or the sum of its words' counts. */
  tokens: number;
  /** What a tokenizer may add to `tokens` where the words were joined (`joinSlack`). */
  slack: number;
}

type Count = (text: string) => number;
type Range = { start: number; end: number };

/** Sentence ends: `.!?…` before a space, or CJK full stops, which need none. */
const SENTENCE_END = /[.!?…]+["'”’)\]]*(?=\s)|[。！？]+[」』”’）)]*/gu;
const CJK = /[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\p{sc=Hangul}]/u;

function pushTrimmed(full: string, start: number, end: number, out: Range[]): void {
  while (start < end && /\s/.test(full[start]!)) start++;
  while (end > start && /\s/.test(full[end - 1]!)) end--;
  if (end > start) out.push({ start, end });
}

/** Lines of `[start, end)`; for prose also its sentences. */
export function segmentsOf(full: string, start: number, end: number, code: boolean): Range[] {
  const out: Range[] = [];
  const text = full.slice(start, end);
  let lineStart = 0;
  for (const line of text.split('\n')) {
    const lineEnd = lineStart + line.length;
    if (code) pushTrimmed(full, start + lineStart, start + lineEnd, out);
    else {
      let from = 0;
      SENTENCE_END.lastIndex = 0;
      for (let m = SENTENCE_END.exec(line); m; m = SENTENCE_END.exec(line)) {
        const cut = m.index + m[0].length;
        pushTrimmed(full, start + lineStart + from, start + lineStart + cut, out);
        from = cut;
      }
      pushTrimmed(full, start + lineStart + from, start + lineEnd, out);
    }
    lineStart = lineEnd + 1;
  }
  return out;
}

/**
 * Tokens a tokenizer may add where counted pieces are joined: one per UTF-8 byte of the whitespace
 * between them; Infinity when two pieces touch or anything else lies between (only a real count
 * will do).
 */
export function joinSlack(full: string, end: number, start: number): number {
  if (start <= end) return Infinity;
  let bytes = 0;
  for (let i = end; i < start; i++) {
    if (!/\s/.test(full[i]!)) return Infinity;
    const code = full.charCodeAt(i);
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : 3;
  }
  return bytes;
}

/** Greedily joins consecutive words into spans of at most `budget` tokens (summing counts). */
function pack(full: string, words: Range[], budget: number, count: Count, out: Span[]): void {
  let current: Span | null = null;
  for (const word of words) {
    const tokens = count(full.slice(word.start, word.end));
    if (current && current.tokens + tokens <= budget) {
      current.slack += joinSlack(full, current.end, word.start);
      current.end = word.end;
      current.tokens += tokens;
      continue;
    }
    if (current) out.push(current);
    current = null;
    if (tokens <= budget) current = { ...word, tokens, slack: 0 };
    else splitChars(full, word, budget, count, out);
  }
  if (current) out.push(current);
}

function splitWords(full: string, range: Range, budget: number, count: Count, out: Span[]): void {
  const words: Range[] = [];
  const wordRe = /\S+/g;
  const text = full.slice(range.start, range.end);
  for (let m = wordRe.exec(text); m; m = wordRe.exec(text)) {
    words.push({ start: range.start + m.index, end: range.start + m.index + m[0].length });
  }
  pack(full, words, budget, count, out);
}

/** Cuts one space-free run into pieces of at most `budget` tokens, at code point boundaries. */
function splitChars(full: string, range: Range, budget: number, count: Count, out: Span[]): void {
  const offsets: number[] = [];
  for (let i = range.start; i < range.end; i += full.codePointAt(i)! > 0xffff ? 2 : 1) {
    offsets.push(i);
  }
  offsets.push(range.end);
  const total = Math.max(1, count(full.slice(range.start, range.end)));
  const perPiece = Math.max(1, Math.floor(((offsets.length - 1) * budget) / total));
  for (let from = 0; from < offsets.length - 1;) {
    let length = Math.min(perPiece, offsets.length - 1 - from);
    let tokens = count(full.slice(offsets[from], offsets[from + length]));
    while (tokens > budget && length > 1) {
      length = Math.max(1, Math.min(length - 1, Math.floor((length * budget) / tokens)));
      tokens = count(full.slice(offsets[from], offsets[from + length]));
    }
    out.push({ start: offsets[from]!, end: offsets[from + length]!, tokens, slack: 0 });
    from += length;
  }
}

/**
 * Pieces of `[start, end)` of at most `budget` tokens each, for packing into chunks: its lines
 * and sentences, words joined up where a sentence is too long, characters where a word is.
 */
export function piecesOf(
  full: string,
  range: Range,
  code: boolean,
  budget: number,
  count: Count,
): Span[] {
  const out: Span[] = [];
  for (const segment of segmentsOf(full, range.start, range.end, code)) {
    const tokens = count(full.slice(segment.start, segment.end));
    if (tokens <= budget) out.push({ ...segment, tokens, slack: 0 });
    else splitWords(full, segment, budget, count, out);
  }
  return out;
}

const wordSegmenter = new Intl.Segmenter([], { granularity: 'word' });

/**
 * Offsets in `[start, end)` where a suffix may begin: after whitespace, and at dictionary word
 * starts inside CJK text (the range is at most one sentence, so the Segmenter's cost is small).
 */
function boundaries(full: string, range: Range): number[] {
  const text = full.slice(range.start, range.end);
  const out = new Set<number>();
  const wordRe = /\S+/g;
  for (let m = wordRe.exec(text); m; m = wordRe.exec(text)) out.add(range.start + m.index);
  if (CJK.test(text)) {
    for (const { segment, index } of wordSegmenter.segment(text)) {
      if (segment.trim() !== '') out.add(range.start + index);
    }
  }
  return [...out].sort((a, b) => a - b);
}

/**
 * The start of the longest suffix of `[start, end)` that begins at a word boundary and has at
 * most `maxTokens` tokens; `end` when not even one word fits. For overlap inside long sentences.
 */
export function tailWithin(
  full: string,
  range: Range,
  maxTokens: number,
  count: Count,
): { start: number; tokens: number } {
  const none = { start: range.end, tokens: 0 };
  if (maxTokens <= 0) return none;
  const total = count(full.slice(range.start, range.end));
  if (total <= maxTokens) return { start: range.start, tokens: total };
  const starts = boundaries(full, range);
  const firstAtOrAfter = (offset: number) => starts.find((b) => b >= offset) ?? range.end;
  let from = firstAtOrAfter(
    range.end - Math.floor(((range.end - range.start) * maxTokens) / total),
  );
  // A few proportional steps forward; the tail only shrinks, so this ends.
  for (let attempt = 0; attempt < 8 && from < range.end; attempt++) {
    const tokens = count(full.slice(from, range.end));
    if (tokens <= maxTokens) return tokens > 0 ? { start: from, tokens } : none;
    const keep = Math.floor(((range.end - from) * maxTokens) / tokens);
    from = firstAtOrAfter(Math.max(from + 1, range.end - keep));
  }
  return none;
}
