// A passage to cite from a note that has no chunks yet: the paragraph holding the first of the
// query's words, or the note's opening, at most `maxChars` long.
import { normalize } from './tokenizer';

export const maxPassageChars = 1_000;

export function paragraphRange(
  text: string,
  terms: string[],
  maxChars = maxPassageChars,
): { start: number; end: number } {
  const lower = normalize(text);
  // normalize() keeps the length for ordinary text; if it did not, fall back to the opening.
  const aligned = lower.length === text.length;
  let at = -1;
  for (const term of terms) {
    const found = aligned ? lower.indexOf(term) : -1;
    if (found >= 0 && (at < 0 || found < at)) at = found;
  }
  if (at < 0) at = Math.max(0, text.search(/\S/));
  const before = text.lastIndexOf('\n\n', at);
  const after = text.indexOf('\n\n', at);
  // A long paragraph is cut around the match rather than at its own start.
  const start = Math.max(before < 0 ? 0 : before + 2, at - Math.floor(maxChars / 2));
  const end = Math.min(after < 0 ? text.length : after, start + maxChars);
  return { start, end };
}
