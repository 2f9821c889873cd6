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

/** A code span opening at `from`: the index after its closing backticks, if it closes. */
function skipCodeSpan(text: string, from: number): number {
  let run = 0;
  while (text[from + run] === '`') run++;
  BLANK_LINE.lastIndex = from;
  const paragraphEnd = BLANK_LINE.exec(text)?.index ?? text.length;
  const fence = '`'.repeat(run);
  let at = text.indexOf(fence, from + run);
  while (at !== -1 && at < paragraphEnd) {
    let length = 0;
    while (text[at + length] === '`') length++;
    if (length === run) return at + run;
    at = text.indexOf(fence, at + length);
  }
  return from + run;
}

/** The text with every `%%comment%%` removed; code and everything else left exactly as it was. */
export function stripComments(text: string): string {
  if (!text.includes('%%')) return text;
  let out = '';
  let copied = 0;
  let at = 0;
  let lineStart = true;
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
      at = skipCodeSpan(text, at);
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
