// `start` for block extensions whose line may interrupt a paragraph (`![[embed]]` lines, callouts).
// marked asks it once per paragraph, with the rest of the text, only to know where to cut that
// paragraph. Searching the whole rest each time made a note of many paragraphs quadratic (20,000
// paragraphs: seconds), so the search stops at the first line that surely ends the paragraph.
// A match past it could not cut the paragraph anyway (with gfm, marked merges a clipped paragraph
// with a following paragraph whether or not the cut lay beyond it), so the result is the same.

/** Lines that end a paragraph in marked: blank, ATX heading, block quote, fence, bullet item. */
const PARAGRAPH_END =
  /\n(?:[ \t]*\n| {0,3}#{1,6}\s| {0,3}>| {0,3}(?:`{3,}(?=[^`\n]*(?:\n|$))|~~~)| {0,3}(?:[*+-]|1[.)])[ \t]+[^ \t\n])/g;

/** Where the search for an interrupting line may stop: the end of the line that ends the paragraph. */
export function paragraphSearchEnd(src: string): number {
  PARAGRAPH_END.lastIndex = 0;
  const end = PARAGRAPH_END.exec(src);
  if (!end) return src.length;
  const lineEnd = src.indexOf('\n', end.index + 1);
  return lineEnd === -1 ? src.length : lineEnd;
}

/**
 * A `start` function for `pattern` (which must begin with `\n` and span one line after it): the
 * first match that begins at or before the end of the line that ends the current paragraph.
 */
export function paragraphStart(pattern: RegExp): (src: string) => number | undefined {
  const inside = new RegExp(pattern.source);
  const at = new RegExp(pattern.source, 'y');
  return (src) => {
    const last = paragraphSearchEnd(src);
    // Matches beginning before `last` end by it: the pattern spans one line only.
    const found = inside.exec(src.slice(0, last))?.index;
    if (found !== undefined || last >= src.length) return found;
    at.lastIndex = last;
    return at.test(src) ? last : undefined;
  };
}
