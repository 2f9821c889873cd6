// A model answer that cites numbered sources, rendered whole: the chat answer's Markdown rules
// (stream-render.ts) plus `[n]` markers as links to the sources (citation-links.ts). Used by the
// journal reflection, whose answers are short enough to re-render per frame.
import { Marked } from 'marked';
import { citationExtension, type CitationLinks } from './citation-links';
import { renderCodeBlock } from './highlight';
import { filterRawHtml } from './raw-html';
import { sanitizeHtml } from './sanitize';

/** Model output is untrusted: the result is sanitized HTML. */
export function renderCitedMarkdown(text: string, links: CitationLinks): string {
  const marked = new Marked({ gfm: true, breaks: true, async: false });
  marked.use({
    renderer: {
      html: ({ text: html }) => filterRawHtml(html),
      code: ({ text: code, lang }) => renderCodeBlock(code, lang),
    },
    extensions: [citationExtension(links)],
  });
  return sanitizeHtml(marked.parse(text.replace(/\r\n?/g, '\n')) as string);
}
