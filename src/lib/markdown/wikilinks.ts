// `[[Target]]`, `[[Target|label]]`, `[[Target#Heading]]` and `[[#Heading]]` links between notes,
// as a marked extension. The link goes through `/go/<target>`, which opens the note (at the
// heading, if one is named) or creates it; `[[#Heading]]` scrolls within the note shown.
import type { TokenizerAndRendererExtension, Tokens } from 'marked';
import { escapeHtml } from './escape';
import { linkText, parseLinkTarget } from './link-target';
import { embeddedNotePath } from './render-scope';

interface WikilinkToken extends Tokens.Generic {
  type: 'wikilink';
  target: string;
  label: string;
}

const WIKILINK = /^\[\[([^[\]|\n]{1,200})(?:\|([^[\]\n]{1,200}))?\]\]/;

/** A link to `target` (`Note`, `Note#Heading`, `#Heading`) around HTML the caller made safe. */
export function wikilinkAnchor(target: string, innerHtml: string, className = 'wikilink'): string {
  const href = `/go/${encodeURIComponent(target)}`;
  return `<a href="${escapeHtml(href)}" class="${className}" data-wikilink="${escapeHtml(target)}">${innerHtml}</a>`;
}

export const wikilinkHtml = (target: string, label: string, className = 'wikilink'): string =>
  wikilinkAnchor(target, escapeHtml(label), className);

export const wikilinkExtension: TokenizerAndRendererExtension = {
  name: 'wikilink',
  level: 'inline',
  start: (src: string) => src.indexOf('[['),
  tokenizer(src: string): WikilinkToken | undefined {
    if (this.lexer.state.inLink) return undefined;
    const match = WIKILINK.exec(src);
    if (!match?.[1]) return undefined;
    const target = match[1].trim();
    if (target === '') return undefined;
    const parts = parseLinkTarget(match[2] === undefined ? target : `${target}|${match[2]}`);
    return { type: 'wikilink', raw: match[0], target, label: linkText(parts) };
  },
  renderer(token) {
    const { target, label } = token as WikilinkToken;
    // `[[#Heading]]` in an embedded note means that note's heading, not the one shown around it.
    const embedded = target.startsWith('#') ? embeddedNotePath() : undefined;
    return wikilinkHtml(embedded ? `${embedded}${target}` : target, label);
  },
};
