// Turns pdf.js text items into lines a person (and a model) reads: one line per line of the page,
// so headings and table rows stay on their own lines, and wide gaps inside a line become tabs,
// so table cells stay apart. Items come in content-stream order, which is reading order for
// nearly every PDF a tool writes; re-sorting by position breaks multi-column pages instead.

/** The parts of a pdf.js TextItem this needs. */
export interface TextRun {
  str: string;
  hasEOL: boolean;
  /** [a, b, c, d, x, y]: the text matrix in page space. */
  transform: number[];
  width: number;
}

/** Put between table cells (a gap wider than CELL_GAP_EMS on one line). */
export const CELL_SEPARATOR = '\t';
/** A gap this many font sizes wide is a column gap, not a word space. */
const CELL_GAP_EMS = 1.5;
/** A baseline shift of more than this many font sizes starts a new line. */
const NEW_LINE_EMS = 0.5;

const fontSize = (t: number[]): number =>
  Math.hypot(t[2] ?? 0, t[3] ?? 0) || Math.hypot(t[0] ?? 0, t[1] ?? 0) || 1;

export function pageText(items: readonly TextRun[]): string {
  const lines: string[] = [];
  let line = '';
  let last: { x: number; y: number; size: number } | null = null;

  const endLine = (): void => {
    lines.push(line.replace(/[ \t]+$/, ''));
    line = '';
    last = null;
  };

  for (const item of items) {
    const size = fontSize(item.transform);
    const x = item.transform[4] ?? 0;
    const y = item.transform[5] ?? 0;
    const blank = item.str.trim() === '';
    if (item.str !== '' && last && Math.abs(y - last.y) > NEW_LINE_EMS * Math.max(size, last.size))
      endLine();
    if (blank && item.str !== '') {
      // pdf.js reports the gap between two runs as a whitespace item as wide as the gap.
      const separator = item.width > CELL_GAP_EMS * size ? CELL_SEPARATOR : ' ';
      if (line !== '' && !/[ \t]$/.test(line)) line += separator;
      else if (separator === CELL_SEPARATOR) line = line.replace(/ $/, CELL_SEPARATOR);
    } else if (!blank) {
      if (last && line !== '' && !/[ \t]$/.test(line) && x - last.x > CELL_GAP_EMS * size)
        line += CELL_SEPARATOR;
      line += item.str;
      last = { x: x + item.width, y, size };
    }
    if (item.hasEOL) endLine();
  }
  if (line !== '') endLine();
  // Blank lines only where the page had them, never more than one in a row.
  return lines
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
