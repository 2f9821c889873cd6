// Small inline extensions for Obsidian syntax: `==highlight==` → <mark>, and `#tags` → chips that
// open search filtered by the tag (the tag grammar is shared with derived tags: vault/inline-tags).
import type { TokenizerAndRendererExtension, Tokens } from 'marked';
import { escapeHtml } from './escape';
import { TAG_START, tagName } from '../vault/inline-tags';

interface MarkToken extends Tokens.Generic {
  type: 'mark';
  tokens: Tokens.Generic[];
}

// Like ~~strike~~: no space just inside the marks, and `===` is not an opening.
const MARK = /^==(?=[^\s=])([^\n]*?[^\s=]|[^\s=])==(?!=)/;

export const markExtension: TokenizerAndRendererExtension = {
  name: 'mark',
  level: 'inline',
  start: (src: string) => src.indexOf('=='),
  tokenizer(src: string): MarkToken | undefined {
    const match = MARK.exec(src);
    // Code spans bind tighter: a highlight may not end inside one (an odd count of backticks).
    if (!match?.[1] || (match[1].split('`').length - 1) % 2 === 1) return undefined;
    return { type: 'mark', raw: match[0], tokens: this.lexer.inlineTokens(match[1]) };
  },
  renderer(token) {
    return `<mark>${this.parser.parseInline((token as MarkToken).tokens)}</mark>`;
  },
};

interface TagToken extends Tokens.Generic {
  type: 'tag';
  name: string;
}

/** The search a tag chip opens; the chip's click handler also sets the tag filter. */
export const tagSearchHref = (name: string): string =>
  `/search?q=${encodeURIComponent(`#${name}`)}`;

export const tagExtension: TokenizerAndRendererExtension = {
  name: 'tag',
  level: 'inline',
  start: (src: string) => src.indexOf('#'),
  tokenizer(src: string, tokens: Tokens.Generic[]): TagToken | undefined {
    // Link text is already a link; and a tag starts after white space or at the start of text.
    if (this.lexer.state.inLink) return undefined;
    const before = (tokens.at(-1)?.raw ?? '').slice(-1);
    if (before !== '' && !/\s/.test(before)) return undefined;
    const match = TAG_START.exec(src);
    const name = match?.[1] === undefined ? undefined : tagName(match[1]);
    if (!match || !name) return undefined;
    return { type: 'tag', raw: `#${name}`, name };
  },
  renderer(token) {
    const { name } = token as TagToken;
    return `<a href="${escapeHtml(tagSearchHref(name))}" class="tag" data-tag="${escapeHtml(name)}">#${escapeHtml(name)}</a>`;
  },
};
