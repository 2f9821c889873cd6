// Obsidian callouts, a marked block extension:
//   > [!tip] Optional title        a callout (the type names its colour and icon)
//   > [!warning]- Folded            foldable, starts closed;  `+` starts open
// Foldable callouts are <details>/<summary>, so they open with a click or Enter/Space and need no
// script. The type as written never reaches an attribute: it is mapped to one of the known kinds
// below (unknown types get the generic look) and only shown, escaped, as the default title.
import type { TokenizerAndRendererExtension, Tokens } from 'marked';
import { escapeHtml } from './escape';
import { paragraphStart } from './paragraph-start';

/** Obsidian's types and their aliases → the kind that styles them. */
const kinds: Record<string, string> = {
  note: 'note',
  abstract: 'abstract',
  summary: 'abstract',
  tldr: 'abstract',
  info: 'info',
  todo: 'todo',
  tip: 'tip',
  hint: 'tip',
  important: 'tip',
  success: 'success',
  check: 'success',
  done: 'success',
  question: 'question',
  help: 'question',
  faq: 'question',
  warning: 'warning',
  caution: 'warning',
  attention: 'warning',
  failure: 'failure',
  fail: 'failure',
  missing: 'failure',
  danger: 'danger',
  error: 'danger',
  bug: 'bug',
  example: 'example',
  quote: 'quote',
  cite: 'quote',
};

export const calloutKind = (type: string): string =>
  Object.hasOwn(kinds, type.toLowerCase()) ? (kinds[type.toLowerCase()] as string) : 'generic';

interface CalloutToken extends Tokens.Generic {
  type: 'callout';
  kind: string;
  fold: '' | '+' | '-';
  titleTokens: Tokens.Generic[];
  tokens: Tokens.Generic[];
}

const FIRST_LINE = /^ {0,3}>[ \t]?\[!([^\]\n]{1,40})\]([+-]?)[ \t]*([^\n]*)(?:\n|$)/;
const QUOTED_LINE = /^ {0,3}>[^\n]*(?:\n|$)/;

function titleOf(type: string): string {
  const words = type.trim().replace(/[-_]+/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1).toLowerCase();
}

export const calloutExtension: TokenizerAndRendererExtension = {
  name: 'callout',
  level: 'block',
  // Only after a line break: the text handed to `start` may begin mid-line.
  start: paragraphStart(/\n {0,3}>[ \t]?\[!/),
  tokenizer(src: string): CalloutToken | undefined {
    const first = FIRST_LINE.exec(src);
    if (!first?.[1]) return undefined;
    let raw = first[0];
    const body: string[] = [];
    for (let line = QUOTED_LINE.exec(src.slice(raw.length)); line;) {
      raw += line[0];
      body.push(line[0].replace(/^ {0,3}>[ \t]?/, '').replace(/\n$/, ''));
      line = QUOTED_LINE.exec(src.slice(raw.length));
    }
    const type = first[1].trim();
    const title = first[3]?.trim() || titleOf(type);
    const titleTokens: Tokens.Generic[] = [];
    this.lexer.inline(title, titleTokens);
    return {
      type: 'callout',
      raw,
      kind: calloutKind(type),
      fold: (first[2] ?? '') as CalloutToken['fold'],
      titleTokens,
      tokens: this.lexer.blockTokens(body.join('\n'), []),
    };
  },
  renderer(token) {
    const { kind, fold, titleTokens, tokens } = token as CalloutToken;
    const title = `<span class="callout-icon" aria-hidden="true"></span><span class="callout-title-text">${this.parser.parseInline(titleTokens)}</span>`;
    const content =
      tokens.length > 0 ? `<div class="callout-content">${this.parser.parse(tokens)}</div>` : '';
    const kindAttr = escapeHtml(kind);
    if (fold === '') {
      return `<div class="callout" data-callout="${kindAttr}" role="note"><p class="callout-title">${title}</p>${content}</div>\n`;
    }
    const open = fold === '+' ? ' open' : '';
    return `<details class="callout" data-callout="${kindAttr}"${open}><summary class="callout-title">${title}</summary>${content}</details>\n`;
  },
  childTokens: ['titleTokens', 'tokens'],
};
