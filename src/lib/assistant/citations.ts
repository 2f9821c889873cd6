// Which sources an answer cites, for the Sources list ("cited" marks) and to spot made-up numbers.
// It lexes the answer with the same options and citation tokenizer the chat renderer uses, so a
// number counts as cited exactly when it is shown as a link: never inside code, links, task boxes
// or footnotes (the rules are in markdown/citation-links.ts).
import { Marked, type Token } from 'marked';
import { citationExtension, type CitationToken } from '../markdown/citation-links';

// The chat renderer's options (stream-render.ts); `breaks` does not change what is a citation,
// `gfm` does (tables, strikethrough and autolinks hold inline text).
const lexer = new Marked({ gfm: true, breaks: true, async: false });
lexer.use({ extensions: [citationExtension()] });

export interface CitedNumbers {
  /** Source numbers 1..count the answer cites, ascending, each once. */
  cited: number[];
  /** Numbers the answer cites that match no source (0 or above `count`), ascending, each once. */
  unknown: number[];
}

export function citedNumbers(markdown: string, count: number): CitedNumbers {
  const cited = new Set<number>();
  const unknown = new Set<number>();
  const tokens = lexer.lexer(markdown.replace(/\r\n?/g, '\n'));
  void lexer.walkTokens(tokens, (token: Token) => {
    if (token.type !== 'citation') return;
    for (const n of (token as CitationToken).numbers) {
      (n >= 1 && n <= count ? cited : unknown).add(n);
    }
  });
  const ascending = (set: Set<number>): number[] => [...set].sort((a, b) => a - b);
  return { cited: ascending(cited), unknown: ascending(unknown) };
}
