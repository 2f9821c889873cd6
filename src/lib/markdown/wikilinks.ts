// `[[Target]]` and `[[Target|label]]` links between notes, as a marked extension.
import type { TokenizerAndRendererExtension, Tokens } from 'marked';
import { escapeHtml } from './escape';

interface WikilinkToken extends Tokens.Generic {
  type: 'wikilink';
  target: string;
  label: string;
}

const WIKILINK = /^\[\[([^[\]|\n]{1,200})(?:\|([^[\]\n]{1,200}))?\]\]/;

export const wikilinkExtension: TokenizerAndRendererExtension = {
  name: 'wikilink',
  level: 'inline',
  start: (src: string) => src.indexOf('[['),
  tokenizer(src: string): WikilinkToken | undefined {
    const match = WIKILINK.exec(src);
    if (!match?.[1]) return undefined;
    const target = match[1].trim();
    return { type: 'wikilink', raw: match[0], target, label: (match[2] ?? target).trim() };
  },
  renderer(token) {
    const { target, label } = token as WikilinkToken;
    const href = `/go/${encodeURIComponent(target)}`;
    return `<a href="${escapeHtml(href)}" class="wikilink" data-wikilink="${escapeHtml(target)}">${escapeHtml(label)}</a>`;
  },
};
