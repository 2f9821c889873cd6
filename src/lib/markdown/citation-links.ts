// `[n]` markers in a grounded answer, as an inline marked extension: a marker that points at one of
// the answer's sources becomes a link to the passage, one that points at nothing stays plain text.
// The same tokenizer decides what counts as a citation for the Sources list (assistant/citations.ts),
// so what is marked "cited" and what is linked never disagree.
//
// Recognised: `[1]`, `[1, 3]`, `[1,3]`, `[1; 3]`, adjacent `[2][4]`, and ranges `[1-3]` / `[1–3]`
// (small models write them; one spanning more than `maxRangeSpan` numbers is left as text).
// Not citations: anything in code (marked never runs inline extensions there), link text, inline
// links `[1](url)`, reference links whose label is defined (`[1]` with `[1]: url`, `[text][1]`),
// task boxes `[ ]`/`[x]`, footnotes `[^1]`, and escaped `\[1]`.
import type { TokenizerAndRendererExtension, Tokens } from 'marked';
import { escapeHtml } from './escape';

export interface CitationToken extends Tokens.Generic {
  type: 'citation';
  raw: string;
  /** In the order written, ranges expanded. */
  numbers: number[];
}

export interface CitationLinks {
  /** Sources the answer was given: markers 1..count are links. */
  count: number;
  /** Where marker `n` leads, e.g. `#/notes/ID?at=120-480`. Escaped here; DOMPurify vets the URL. */
  href: (n: number) => string;
}

export const maxRangeSpan = 20;

const item = String.raw`\d{1,4}(?:\s*[-–]\s*\d{1,4})?`;
const MARKER = new RegExp(String.raw`^\[(${item}(?:\s*[,;]\s*${item})*)\]`);
const START = /\[\s*\d/;
/** A reference label as marked keys its definitions (CommonMark case folding, spaces collapsed). */
const label = (text: string): string =>
  text.trim().replace(/\s+/g, ' ').toLowerCase().toUpperCase().toLowerCase();

/** The numbers a marker's inside stands for, or undefined for a range too wide to be a citation. */
function numbersOf(inside: string): number[] | undefined {
  const numbers: number[] = [];
  for (const part of inside.split(/[,;]/)) {
    const ends = part.split(/[-–]/).map((n) => Number(n.trim()));
    const from = ends[0] ?? 0;
    const to = ends[1] ?? from;
    if (to < from || to - from >= maxRangeSpan) return undefined;
    for (let n = from; n <= to; n++) numbers.push(n);
  }
  return numbers;
}

function renderCitation(token: CitationToken, links: CitationLinks | undefined): string {
  const inRange = (n: number): boolean => links !== undefined && n >= 1 && n <= links.count;
  if (!links || !token.numbers.some(inRange)) return escapeHtml(token.raw);
  return token.numbers
    .map((n) =>
      inRange(n)
        ? `<a class="cite" href="${escapeHtml(links.href(n))}" data-source="${n}">[${n}]</a>`
        : `[${n}]`,
    )
    .join('');
}

/** The extension; without `links` it only recognises markers (and renders them as they were). */
export function citationExtension(links?: CitationLinks): TokenizerAndRendererExtension {
  return {
    name: 'citation',
    level: 'inline',
    start: (src: string) => src.search(START),
    tokenizer(src: string): CitationToken | undefined {
      if (this.lexer.state.inLink) return undefined;
      const match = MARKER.exec(src);
      if (!match?.[1]) return undefined;
      const after = src.slice(match[0].length);
      // Leave links to marked: `[1](url)`, `[1]` or `[1][]` as a defined reference, `[1][ref]`.
      const defined = this.lexer.tokens.links;
      if (after.startsWith('(') || defined[label(match[1])]) return undefined;
      const next = /^\[([^\]]*)\]/.exec(after);
      if (next && defined[label(next[1] ?? '')]) return undefined;
      const numbers = numbersOf(match[1]);
      if (!numbers) return undefined;
      return { type: 'citation', raw: match[0], numbers };
    },
    renderer: (token) => renderCitation(token as CitationToken, links),
  };
}
