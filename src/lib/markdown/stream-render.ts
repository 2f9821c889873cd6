// Markdown for model answers, rendered as they stream. Re-parsing a whole answer per token costs
// O(n) each time (O(n²) per answer), so the renderer keeps the sanitized HTML of the top-level
// blocks that can no longer change and re-renders only the last, still-growing one. A block is
// final once another block has started after it: under CommonMark, later text cannot reopen it.
// Two things break that locality, and the renderer stops committing when it sees them:
// - link reference definitions (`[x]: url`) change links anywhere in the text -> render it whole;
// - raw HTML may leave tags open that wrap later blocks -> nothing after it is committed.
// The result is always equal to `renderChatMarkdown(text)` (tests check it on every prefix).
import { Marked, type Token, type TokensList } from 'marked';
import { filterRawHtml } from './raw-html';
import { renderCodeBlock } from './highlight';
import { sanitizeHtml } from './sanitize';
import { citationExtension, type CitationLinks } from './citation-links';

export type { CitationLinks };

/** The chat's Markdown; with `links`, a grounded answer's `[n]` markers become links. */
function chatMarkdown(links?: CitationLinks): Marked {
  // Models write poems and addresses with single line breaks, so those are kept (breaks: true).
  const marked = new Marked({ gfm: true, breaks: true, async: false });
  marked.use({
    renderer: {
      html: ({ text }) => filterRawHtml(text),
      code: ({ text, lang }) => renderCodeBlock(text, lang),
    },
  });
  if (links) marked.use({ extensions: [citationExtension(links)] });
  return marked;
}

const chatMarked = chatMarkdown();

const normalize = (text: string): string => text.replace(/\r\n?/g, '\n');

/** One-shot render of a whole answer: Markdown -> sanitized HTML (model output is untrusted). */
export function renderChatMarkdown(text: string, links?: CitationLinks): string {
  const marked = links ? chatMarkdown(links) : chatMarked;
  return sanitizeHtml(marked.parse(normalize(text)) as string);
}

function containsHtml(tokens: Token[]): boolean {
  let found = false;
  void chatMarked.walkTokens(tokens, (token) => {
    if (token.type === 'html') found = true;
  });
  return found;
}

export interface StreamFrame {
  /** Sanitized HTML of the finished blocks, in order; earlier entries never change. */
  readonly blocks: readonly string[];
  /** Sanitized HTML of the block that may still grow. */
  readonly tail: string;
}

export class StreamRenderer implements StreamFrame {
  #text = '';
  #committedChars = 0;
  #blocks: string[] = [];
  #tail = '';
  /** Set when committing is no longer safe (see the header); the tail then holds the rest. */
  #frozen = false;
  readonly #marked: Marked;

  constructor(links?: CitationLinks) {
    this.#marked = links ? chatMarkdown(links) : chatMarked;
  }

  get blocks(): readonly string[] {
    return this.#blocks;
  }
  get tail(): string {
    return this.#tail;
  }
  get html(): string {
    return this.#blocks.join('') + this.#tail;
  }

  /** Renders `text`, the whole answer so far. Text that does not extend the last one starts over. */
  update(text: string): StreamFrame {
    const source = normalize(text);
    if (!source.startsWith(this.#text.slice(0, this.#committedChars))) this.#reset();
    this.#text = source;
    let tokens = this.#marked.lexer(source.slice(this.#committedChars));
    if (!this.#frozen && Object.keys(tokens.links).length > 0) {
      this.#reset();
      this.#text = source;
      this.#frozen = true;
      tokens = this.#marked.lexer(source);
    }
    const rest = this.#frozen ? tokens : this.#commit(tokens);
    this.#tail = this.#render(rest);
    return this;
  }

  /** Commits the blocks that can no longer change; returns the tokens left for the tail. */
  #commit(tokens: TokensList): Token[] {
    const coveredChars = tokens.reduce((sum, t) => sum + t.raw.length, 0);
    // The offsets rely on the tokens spelling out their source exactly; if not, don't guess.
    if (coveredChars !== this.#text.length - this.#committedChars) {
      this.#frozen = true;
      return tokens;
    }
    // The last block may still grow, and while it grows it may turn into something that joins the
    // block before it ("2" becoming "2." continues a list), so both stay open.
    const open = this.#firstOpen(tokens);
    let count = 0;
    while (count < open && !containsHtml([tokens[count] as Token])) count++;
    if (count < open) this.#frozen = true;
    if (count === 0) return tokens;
    const done = tokens.slice(0, count);
    this.#blocks = [...this.#blocks, this.#render(done)];
    this.#committedChars += done.reduce((sum, t) => sum + t.raw.length, 0);
    return tokens.slice(count);
  }

  /** Index of the second-to-last block: it and everything after it stay open. */
  #firstOpen(tokens: Token[]): number {
    let blocks = 0;
    for (let index = tokens.length - 1; index >= 0; index--) {
      if (tokens[index]?.type !== 'space' && ++blocks === 2) return index;
    }
    return 0;
  }

  #render(tokens: Token[]): string {
    return sanitizeHtml(this.#marked.parser(tokens));
  }

  #reset(): void {
    this.#text = '';
    this.#committedChars = 0;
    this.#blocks = [];
    this.#tail = '';
    this.#frozen = false;
  }
}
