// Obsidian's inline `#tags`: `#idea`, nested `#project/alpha`, in any script. One grammar for the
// tag chips the preview draws and for the tags a note is filed under (derive.ts).
//
// A tag starts after white space (or at the start of a line) and runs over letters, marks,
// digits, emoji, `_`, `-` and `/`. Pure numbers (`#123`) are not tags, nor are headings (`# x`),
// URL fragments (`/page#part`), text in code, comments, links and wikilinks.
//
// Deriving tags must stay fast on imports of thousands of notes, so extractInlineTags scans lines
// with regular expressions instead of running the Markdown parser (measured here on the tldr
// corpus: marked's lexer ~0.9 s per MB, this scan 6–25 ms per MB); tests check that both agree.
import { stripComments } from './comments';

// Emoji sequences join with U+200D and take U+FE0F: kept apart from the class, so each stays whole.
const TAG_CHAR = String.raw`(?:[\p{L}\p{M}\p{N}\p{Extended_Pictographic}_\-/]|\u200d|\ufe0f)`;
/** `#` and a tag name at the start of the text (used by the renderer). */
export const TAG_START = new RegExp(`^#(${TAG_CHAR}+)`, 'u');
/** Every `#name` after white space, a table bar or an emphasis mark. */
const TAG_IN_TEXT = new RegExp(`(?:^|[\\s|*~=])#(${TAG_CHAR}+)`, 'gu');
export const maxTagChars = 64;

/** The tag a `#name` match spells, or undefined when it is not one (trailing `/` are dropped). */
export function tagName(matched: string): string | undefined {
  const name = matched.replace(/\/+$/, '');
  if (name === '' || name.startsWith('/') || name.length > maxTagChars) return undefined;
  // At least one character must be something other than a digit: `#1984` is not a tag.
  return /[^\p{N}/]/u.test(name) ? name : undefined;
}

const FENCE = /^ {0,3}(`{3,}|~{3,})(.*)$/;
const LIST_ITEM = /^ {0,3}(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)/;
// Text that can hold a `#` without it being a tag.
const CODE_SPAN = /(`+)[\s\S]*?\1/g;
const HTML_COMMENT = /<!--[\s\S]*?-->/g;
const WIKILINK = /!?\[\[[^\]\n]*\]\]/g;
const MARKDOWN_LINK = /!?\[[^\]\n]*\]\([^)\n]*\)/g;
const AUTOLINK = /<[a-z][a-z0-9+.-]*:[^\s<>]*>/gi;
const BARE_URL = /\b(?:[a-z][a-z0-9+.-]*:\/\/|www\.)\S+/gi;

function tagsInLine(line: string, into: Set<string>): void {
  const text = line
    .replace(CODE_SPAN, ' ')
    .replace(HTML_COMMENT, ' ')
    .replace(WIKILINK, ' ')
    .replace(MARKDOWN_LINK, ' ')
    .replace(AUTOLINK, ' ')
    .replace(BARE_URL, ' ');
  for (const match of text.matchAll(TAG_IN_TEXT)) {
    const name = match[1] === undefined ? undefined : tagName(match[1]);
    if (name) into.add(name);
  }
}

/** Leading indentation in columns (tabs to the next multiple of 4), and where the text starts. */
function indentOf(text: string, from: number, to: number): { columns: number; at: number } {
  let columns = 0;
  let at = from;
  for (; at < to; at++) {
    const c = text.charCodeAt(at);
    if (c === 32) columns++;
    else if (c === 9) columns += 4 - (columns % 4);
    else break;
  }
  return { columns, at };
}

/**
 * The inline tags of a note's body (frontmatter already removed), in order of appearance.
 * Lines are classified by their first characters (fence, indented code, list item); only lines
 * holding a `#` are searched.
 */
export function extractInlineTags(body: string): string[] {
  if (!body.includes('#')) return [];
  const text = stripComments(body);
  // Most notes only have headings: no `#` that could start a tag at all.
  TAG_IN_TEXT.lastIndex = 0;
  const any = TAG_IN_TEXT.test(text);
  // matchAll starts where `test` stopped: reset it for tagsInLine.
  TAG_IN_TEXT.lastIndex = 0;
  if (!any) return [];
  const tags = new Set<string>();
  let fence: string | null = null;
  let previousBlank = true;
  let inCode = false;
  let inList = false;
  let nextHash = text.indexOf('#');
  for (let start = 0; start <= text.length && nextHash !== -1;) {
    const newline = text.indexOf('\n', start);
    const end = newline === -1 ? text.length : newline;
    const { columns, at } = indentOf(text, start, end);
    const first = text[at];
    const blank = at === end || text.slice(at, end).trim() === '';
    if (fence !== null || ((first === '`' || first === '~') && columns < 4)) {
      const line = text.slice(start, end);
      const marks = FENCE.exec(line);
      if (fence !== null) {
        if (
          marks?.[1]?.startsWith(fence[0]!) &&
          marks[1].length >= fence.length &&
          !marks[2]?.trim()
        )
          fence = null;
      } else if (marks?.[1] && !(marks[1].startsWith('`') && marks[2]?.includes('`'))) {
        fence = marks[1];
      }
    }
    if (fence === null && !blank && !FENCE.test(text.slice(start, end))) {
      // Indented code starts after a blank line and never inside a list (there it is nesting).
      const indented = columns >= 4;
      inCode = indented && (inCode || (previousBlank && !inList));
      if (LIST_ITEM.test(text.slice(start, Math.min(end, at + 11)))) inList = true;
      else if (!indented && previousBlank) inList = false;
      if (nextHash < start) nextHash = text.indexOf('#', start);
      if (!inCode && nextHash !== -1 && nextHash < end) tagsInLine(text.slice(start, end), tags);
    }
    previousBlank = blank;
    start = end + 1;
  }
  return [...tags];
}
