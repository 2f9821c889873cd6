// Parts of a note that links and embeds point at: the section under a heading (down to the next
// heading of the same or a higher level) and the block carrying a `^block-id`. Offsets are in the
// text given; code fences are skipped so a `# comment` in a shell block is not a heading.
import { splitFrontmatter } from '../vault/frontmatter';

/** Character offsets, end exclusive. */
export interface TextRange {
  start: number;
  end: number;
}

const HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;

/** Heading text as links name it: formatting and link punctuation dropped, case and spacing folded. */
export function normalizeHeading(text: string): string {
  return text
    .replace(/[*_`~=[\]#^|:%]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}

interface Line {
  start: number;
  text: string;
}

function* linesOutsideCode(markdown: string): Generator<Line & { level: number; title: string }> {
  let fence: string | null = null;
  let start = 0;
  for (const text of markdown.split('\n')) {
    const lineStart = start;
    start += text.length + 1;
    const open = FENCE.exec(text)?.[1];
    if (fence !== null) {
      if (open?.startsWith(fence[0] ?? '') && open.length >= fence.length) fence = null;
      continue;
    }
    if (open) {
      fence = open;
      continue;
    }
    const heading = HEADING.exec(text.replace(/\r$/, ''));
    yield {
      start: lineStart,
      text,
      level: heading?.[1]?.length ?? 0,
      title: heading ? (heading[2] ?? '') : '',
    };
  }
}

/** The heading line and its whole section, or undefined when the note has no such heading. */
export function findSection(
  markdown: string,
  heading: string,
): { heading: TextRange; section: TextRange } | undefined {
  const wanted = normalizeHeading(heading);
  let found: { level: number; heading: TextRange } | undefined;
  for (const line of linesOutsideCode(markdown)) {
    if (line.level === 0) continue;
    if (found && line.level <= found.level) {
      return { heading: found.heading, section: { start: found.heading.start, end: line.start } };
    }
    if (!found && normalizeHeading(line.title) === wanted) {
      found = {
        level: line.level,
        heading: { start: line.start, end: line.start + line.text.length },
      };
    }
  }
  return (
    found && {
      heading: found.heading,
      section: { start: found.heading.start, end: markdown.length },
    }
  );
}

/** The Markdown of a heading's section, heading included. */
export function sectionText(markdown: string, heading: string): string | undefined {
  const found = findSection(markdown, heading);
  return found && markdown.slice(found.section.start, found.section.end);
}

/** The paragraph or list item that ends with ` ^id`, without the marker. */
export function blockText(markdown: string, id: string): string | undefined {
  const lines = markdown.split('\n');
  const marker = new RegExp(`\\s\\^${id.replace(/[-]/g, '\\-')}\\s*$`);
  const at = lines.findIndex((line) => marker.test(line));
  if (at === -1) return undefined;
  let from = at;
  const isItem = /^\s*(?:[-*+]|\d+[.)])\s/;
  while (from > 0 && !isItem.test(lines[from] ?? '') && (lines[from - 1] ?? '').trim() !== '')
    from--;
  return lines
    .slice(from, at + 1)
    .join('\n')
    .replace(marker, '');
}

/** Where a heading's line is in a note's full text (frontmatter included), for the editor. */
export function headingRange(content: string, heading: string): TextRange | undefined {
  const { body } = splitFrontmatter(content);
  const offset = content.length - body.length;
  const found = findSection(body, heading);
  return found && { start: found.heading.start + offset, end: found.heading.end + offset };
}
