// Cuts plain text (source code, data, a PDF page) into pieces of whole lines, each within a token
// budget, preferring to end a piece at a blank line once it is half full so functions and
// paragraphs tend to stay together. A line longer than the budget alone is cut inside.

export interface Span {
  start: number;
  end: number;
}

/** The longest prefix of text[start, limit) within budget; never splits a surrogate pair. */
function fittingEnd(
  text: string,
  start: number,
  limit: number,
  budget: number,
  count: (t: string) => number,
): number {
  let end = Math.min(limit, start + budget);
  while (end > start + 1 && count(text.slice(start, end)) > budget)
    end = start + Math.floor((end - start) / 2);
  const code = text.charCodeAt(end - 1);
  if (end < limit && end - start > 1 && code >= 0xd800 && code <= 0xdbff) end--;
  return end;
}

/** Pieces of text[from, to), in order, covering every non-blank line. */
export function lineChunks(
  text: string,
  maxTokens: number,
  count: (text: string) => number,
  from = 0,
  to = text.length,
): Span[] {
  const spans: Span[] = [];
  let start = -1;
  let end = -1;
  let tokens = 0;
  const flush = (): void => {
    if (start >= 0 && text.slice(start, end).trim() !== '') spans.push({ start, end });
    start = -1;
    tokens = 0;
  };
  let lineStart = from;
  while (lineStart < to) {
    const newline = text.indexOf('\n', lineStart);
    const lineEnd = newline < 0 || newline >= to ? to : newline;
    const line = text.slice(lineStart, lineEnd);
    const lineTokens = count(line) + 1;
    if (line.trim() === '') {
      if (tokens * 2 >= maxTokens) flush();
    } else if (lineTokens > maxTokens) {
      flush();
      for (let at = lineStart; at < lineEnd;) {
        const cut = fittingEnd(text, at, lineEnd, maxTokens, count);
        spans.push({ start: at, end: cut });
        at = cut;
      }
    } else {
      if (tokens + lineTokens > maxTokens) flush();
      if (start < 0) start = lineStart;
      end = lineEnd;
      tokens += lineTokens;
    }
    lineStart = lineEnd + 1;
  }
  flush();
  return spans;
}
