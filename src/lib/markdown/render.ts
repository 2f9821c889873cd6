// Markdown to sanitized HTML. Note text and model output are untrusted: raw HTML is reduced to an
// attribute-free allowlist (raw-html.ts), everything marked emits goes through DOMPurify, links
// never pass on the opener or referrer and open other sites in a new tab, and remote images are
// dropped so a note can never make the browser contact a server.
import { Marked } from 'marked';
import DOMPurify from 'dompurify';
import { wikilinkExtension } from './wikilinks';
import { filterRawHtml } from './raw-html';
import { splitFrontmatter } from '../vault/frontmatter';

const marked = new Marked({ gfm: true, breaks: false, async: false });
marked.use({
  extensions: [wikilinkExtension],
  renderer: { html: ({ text }) => filterRawHtml(text) },
});

let hooksInstalled = false;

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  DOMPurify.addHook('afterSanitizeAttributes', (node) => {
    if (node.tagName === 'A') {
      const href = node.getAttribute('href') ?? '';
      node.setAttribute('rel', 'noopener noreferrer');
      if (/^https?:\/\//i.test(href)) node.setAttribute('target', '_blank');
    }
    if (node.tagName === 'IMG') {
      const src = node.getAttribute('src') ?? '';
      if (!/^(data:image\/|blob:)/i.test(src)) {
        node.setAttribute('data-blocked-src', src);
        node.removeAttribute('src');
        node.setAttribute(
          'alt',
          `${node.getAttribute('alt') ?? ''} (remote image not loaded)`.trim(),
        );
      }
    }
  });
}

export function renderMarkdown(markdown: string): string {
  return sanitizeHtml(marked.parse(splitFrontmatter(markdown).body) as string);
}

/** The one sanitizer for everything Markdown turns into HTML (notes and model answers). */
export function sanitizeHtml(html: string): string {
  installHooks();
  return DOMPurify.sanitize(html, {
    USE_PROFILES: { html: true },
    FORBID_TAGS: [
      'style',
      'form',
      'input',
      'button',
      'textarea',
      'select',
      'iframe',
      'object',
      'embed',
    ],
    FORBID_ATTR: ['style'],
    ADD_ATTR: ['target', 'data-wikilink'],
  });
}
