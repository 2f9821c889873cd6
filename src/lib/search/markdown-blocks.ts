// The block structure of a Markdown note as the chunker needs it: headings (ATX and setext) and
// the blocks between them (paragraphs, list items, block quotes, fenced code). Not a CommonMark
// parser: it only decides where a chunk may be cut and which headings sit above each block.

export interface Heading {
  /** Range of the heading line(s) in the full text, trimmed. */
  start: number;
  end: number;
  level: number;
  text: string;
}

export interface Block {
  /** Range in the full text, without surrounding whitespace. */
  start: number;
  end: number;
  /** Code is cut by lines only; text by lines, then sentences. */
  code: boolean;
  /** Headings above the block, outermost first, the title excluded. */
  headingPath: string[];
  /** Blocks with the same section number sit under the same heading. */
  section: number;
}

export interface NoteBlocks {
  /** The level-1 heading that opens the body, taken as the note's title. */
  title: Heading | null;
  headings: Heading[];
  blocks: Block[];
}

type OpenKind = 'para' | 'list' | 'quote' | 'code';

interface Open {
  kind: OpenKind;
  start: number;
  end: number;
  fence?: { char: string; length: number };
}

const ATX = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const FENCE_CLOSE = /^ {0,3}(`{3,}|~{3,})[ \t]*$/;
const SETEXT = /^ {0,3}(=+|-+)[ \t]*$/;
const RULE = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const LIST_ITEM = /^[ \t]*(?:[-+*]|\d{1,9}[.)])(?:[ \t]|$)/;
const QUOTE = /^ {0,3}>/;

function trimRange(full: string, start: number, end: number): [number, number] {
  while (start < end && /\s/.test(full[start]!)) start++;
  while (end > start && /\s/.test(full[end - 1]!)) end--;
  return [start, end];
}

const sameTitle = (a: string, b: string) =>
  a.normalize('NFKC').trim().toLowerCase() === b.normalize('NFKC').trim().toLowerCase();

/**
 * Scans the body `full.slice(bodyStart)`. A level-1 heading before any other block is the title,
 * unless `titleHint` (the note's title from elsewhere, e.g. frontmatter) names something else.
 */
export function scanBlocks(full: string, bodyStart: number, titleHint?: string): NoteBlocks {
  const headings: Heading[] = [];
  const blocks: Block[] = [];
  const stack: Heading[] = [];
  let title: Heading | null = null;
  let section = 0;
  let open: Open | null = null;

  const close = () => {
    if (!open) return;
    const [start, end] = trimRange(full, open.start, open.end);
    if (end > start) {
      const headingPath = stack.map((h) => h.text).filter(Boolean);
      blocks.push({ start, end, code: open.kind === 'code', headingPath, section });
    }
    open = null;
  };
  const addHeading = (heading: Heading) => {
    const isTitle =
      headings.length === 0 &&
      blocks.length === 0 &&
      heading.level === 1 &&
      (titleHint === undefined || sameTitle(titleHint, heading.text));
    headings.push(heading);
    section++;
    if (isTitle) {
      title = heading;
      return;
    }
    while (stack.length > 0 && stack[stack.length - 1]!.level >= heading.level) stack.pop();
    stack.push(heading);
  };

  for (let lineStart = bodyStart; lineStart < full.length;) {
    const newline = full.indexOf('\n', lineStart);
    const lineEnd = newline === -1 ? full.length : newline;
    const next = newline === -1 ? full.length : newline + 1;
    const line = full.slice(lineStart, lineEnd).replace(/\r$/, '');
    const current = open;

    if (current?.kind === 'code') {
      current.end = lineEnd;
      const m = FENCE_CLOSE.exec(line);
      const fence = current.fence!;
      if (m && m[1]![0] === fence.char && m[1]!.length >= fence.length) close();
    } else if (line.trim() === '') {
      close();
    } else if (FENCE.test(line)) {
      close();
      const marker = FENCE.exec(line)![1]!;
      const fence = { char: marker[0]!, length: marker.length };
      open = { kind: 'code', start: lineStart, end: lineEnd, fence };
    } else if (ATX.test(line)) {
      close();
      const m = ATX.exec(line)!;
      const [start, end] = trimRange(full, lineStart, lineEnd);
      addHeading({ start, end, level: m[1]!.length, text: (m[2] ?? '').trim() });
    } else if (current?.kind === 'para' && SETEXT.test(line)) {
      const [start] = trimRange(full, current.start, current.end);
      const text = full.slice(start, current.end).replace(/\s+/g, ' ').trim();
      open = null;
      const [, end] = trimRange(full, start, lineEnd);
      addHeading({ start, end, level: line.trim()[0] === '=' ? 1 : 2, text });
    } else if (RULE.test(line)) {
      close();
    } else if (LIST_ITEM.test(line)) {
      close();
      open = { kind: 'list', start: lineStart, end: lineEnd };
    } else if (QUOTE.test(line) && current?.kind !== 'quote') {
      close();
      open = { kind: 'quote', start: lineStart, end: lineEnd };
    } else if (current) {
      current.end = lineEnd;
    } else {
      open = { kind: 'para', start: lineStart, end: lineEnd };
    }
    lineStart = next;
  }
  close();
  return { title, headings, blocks };
}
