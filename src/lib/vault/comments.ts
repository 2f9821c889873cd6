// Obsidian's `%%comments%%`: text between two `%%` marks is the writer's own and never shown or
// read for tags. It may span lines and blocks; an unclosed `%%` hides the rest of the note, as in
// Obsidian. Code keeps its `%%` as text: fenced blocks and inline code spans are copied as they are.

const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})/;
/** The next character that can start a comment, a code span, an escape or a new line. */
const INTERESTING = /[`%\\\n]/g;
/** A blank line ends a paragraph, and so the search for a code span's closing backticks. */
const BLANK_LINE = /\n[ \t]*\n/g;

function lineEnd(text: string, from: number): number {
  const end = text.indexOf('\n', from);
  return end === -1 ? text.length : end + 1;
}

/** A fenced code block opening at `from` (a line start): the index after its closing line. */
function skipFence(text: string, from: number): number | undefined {
  const first = text.slice(from, lineEnd(text, from));
  const open = FENCE_OPEN.exec(first);
  const marker = open?.[1];
  if (!open || !marker) return undefined;
  // A backtick fence's info string may not contain backticks (that is inline code instead).
  if (marker.startsWith('`') && first.slice(open[0].length).includes('`')) return undefined;
  let at = lineEnd(text, from);
  while (at < text.length) {
    const next = lineEnd(text, at);
    const line = text.slice(at, next).replace(/\r?\n$/, '');
    const close = FENCE_OPEN.exec(line);
    if (close?.[1]?.startsWith(marker[0] ?? '') && close[1].length >= marker.length) {
      if (line.slice(close[0].length).trim() === '') return next;
    }
    at = next;
  }
  return text.length;
}

/**
 * Code spans of one text, scanned left to right: the index after a span's closing backticks.
 * The end of the paragraph and the backtick runs in it are found once per paragraph, not once per
 * span (which made a paragraph of many spans quadratic).
 */
class CodeSpans {
  #text: string;
  /** Index of the blank line that ends the paragraph scanned last (-1: none scanned yet). */
  #paragraphEnd = -1;
  /** Start of each backtick run in that paragraph, by run length, in order. */
  #runs = new Map<number, number[]>();
  /** How far into each list of runs the scan has moved. */
  #next = new Map<number, number>();

  constructor(text: string) {
    this.#text = text;
  }

  /** A code span opening at `from`: the index after its closing backticks, if it closes. */
  skip(from: number): number {
    const text = this.#text;
    let run = 0;
    while (text[from + run] === '`') run++;
    // The blank line found from an earlier span is also the first one after `from`.
    if (from > this.#paragraphEnd) this.#scanParagraph(from);
    const starts = this.#runs.get(run) ?? [];
    let i = this.#next.get(run) ?? 0;
    while (i < starts.length && (starts[i] as number) < from + run) i++;
    this.#next.set(run, i);
    const close = starts[i];
    return close === undefined ? from + run : close + run;
  }

  /** Notes every run of backticks from `from` to the end of its paragraph. */
  #scanParagraph(from: number): void {
    const text = this.#text;
    BLANK_LINE.lastIndex = from;
    this.#paragraphEnd = BLANK_LINE.exec(text)?.index ?? text.length;
    this.#runs.clear();
    this.#next.clear();
    for (let at = text.indexOf('`', from); at !== -1 && at < this.#paragraphEnd;) {
      let length = 0;
      while (text[at + length] === '`') length++;
      const list = this.#runs.get(length);
      if (list) list.push(at);
      else this.#runs.set(length, [at]);
      at = text.indexOf('`', at + length);
    }
  }
}

/** The text with every `%%comment%%` removed; code and everything else left exactly as it was. */
export function stripComments(text: string): string {
  if (!text.includes('%%')) return text;
  let out = '';
  let copied = 0;
  let at = 0;
  let lineStart = true;
  const codeSpans = new CodeSpans(text);
  while (at < text.length) {
    if (lineStart) {
      lineStart = false;
      const afterFence = skipFence(text, at);
      if (afterFence !== undefined) {
        at = afterFence;
        lineStart = true;
        continue;
      }
    }
    INTERESTING.lastIndex = at;
    const found = INTERESTING.exec(text);
    if (!found) break;
    at = found.index;
    const char = text[at];
    if (char === '\n') {
      at++;
      lineStart = true;
    } else if (char === '\\') {
      at += text[at + 1] === '\n' ? 1 : 2;
    } else if (char === '`') {
      at = codeSpans.skip(at);
    } else if (text[at + 1] === '%') {
      out += text.slice(copied, at);
      const close = text.indexOf('%%', at + 2);
      if (close === -1) return out;
      at = copied = close + 2;
    } else {
      at++;
    }
  }
  return out + text.slice(copied);
}
