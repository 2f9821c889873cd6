// A note's Markdown to sanitized HTML, rendered as Obsidian users expect: GFM (tables, task lists,
// strikethrough), `[[wikilinks]]`, callouts, `![[embeds]]` and attachments, `==highlights==`,
// inline `#tags`, and `%%comments%%` hidden. Note text is untrusted: raw HTML is reduced to an
// attribute-free allowlist (raw-html.ts) and everything marked emits goes through DOMPurify
// (sanitize.ts), which is also the only place an attribute's URL is allowed or refused.
import { Marked, type Tokens } from 'marked';
import { wikilinkAnchor, wikilinkExtension } from './wikilinks';
import { calloutExtension } from './callouts';
import { embedExtensions, fileEmbedHtml, fileLinkHtml } from './embeds';
import { markExtension, tagExtension } from './inline-extensions';
import { decodedPath, imageSize, isVaultReference, looksLikeNote } from './link-target';
import { filterRawHtml } from './raw-html';
import { sanitizeHtml } from './sanitize';
import { currentFrame, withScope } from './render-scope';
import type { EmbedRequest, RenderContext } from './embed-types';
import { splitFrontmatter } from '../vault/frontmatter';
import { stripComments } from '../vault/comments';
import { dirname } from '../vault/paths';

export { sanitizeHtml } from './sanitize';

const marked = new Marked({ gfm: true, breaks: false, async: false });

/** Markdown to HTML (not yet sanitized), in the current render scope. */
const renderBody = (markdown: string): string => marked.parse(stripComments(markdown)) as string;

/** `a/b/../c.md` → `a/c.md`, relative to the folder of the note being rendered. */
function fromCurrentFolder(path: string): string {
  if (!path.startsWith('./') && !path.startsWith('../')) return path;
  const parts = dirname(currentFrame().path).split('/').filter(Boolean);
  for (const part of path.split('/')) {
    if (part === '..') parts.pop();
    else if (part !== '.') parts.push(part);
  }
  return parts.join('/');
}

/** `![alt](photo.png)` and `![alt|300](photo.png)`: stored images; URLs stay as marked makes them. */
function image({ href, text }: Tokens.Image): string | false {
  if (!isVaultReference(href)) return false;
  const bar = text.lastIndexOf('|');
  const size = bar === -1 ? null : imageSize(text.slice(bar + 1));
  const alt = size ? text.slice(0, bar) : text;
  // The attachment lookup resolves relative paths and URL-encoding itself (attachment-links.ts).
  return fileEmbedHtml(href.trim(), decodedPath(href), { alt, size }, false);
}

/** `[text](Other%20note.md)` opens the note; `[text](file.pdf)` offers the stored file. */
function link(
  this: { parser: { parseInline(tokens: Tokens.Generic[]): string } },
  token: Tokens.Link,
): string | false {
  if (!isVaultReference(token.href)) return false;
  const inner = this.parser.parseInline(token.tokens);
  const path = decodedPath(token.href);
  if (!looksLikeNote(path)) return fileLinkHtml(token.href.trim(), inner);
  const hash = token.href.indexOf('#');
  const subpath = hash === -1 ? '' : decodedPath(token.href.slice(hash + 1));
  const target = fromCurrentFolder(path);
  return wikilinkAnchor(subpath ? `${target}#${subpath}` : target, inner);
}

marked.use({
  extensions: [
    calloutExtension,
    ...embedExtensions(renderBody),
    wikilinkExtension,
    markExtension,
    tagExtension,
  ],
  renderer: {
    html: ({ text }) => filterRawHtml(text),
    image,
    link,
    checkbox: ({ checked }) =>
      `<input type="checkbox" disabled${checked ? ' checked' : ''} aria-label="${checked ? 'Done' : 'Not done'}"> `,
  },
});

export interface RenderedNote {
  html: string;
  /** Embed and attachment targets the render needed but `context.embeds` did not know yet. */
  pending: EmbedRequest[];
}

/** Renders a note (frontmatter is not shown) and reports which targets still need a lookup. */
export function renderNote(markdown: string, context: RenderContext = {}): RenderedNote {
  const body = splitFrontmatter(markdown).body;
  const { result, pending } = withScope(context, body, () => renderBody(body));
  return { html: sanitizeHtml(result), pending };
}

export function renderMarkdown(markdown: string, context: RenderContext = {}): string {
  return renderNote(markdown, context).html;
}
