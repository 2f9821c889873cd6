// Raw HTML inside a note: a few attribute-free formatting tags are kept, everything else is shown
// as text. No attribute from note text ever reaches a parser, so neither handlers nor inline
// styles can hide there (DOMPurify still checks the whole output afterwards).

const allowedTags = new Set([
  'b',
  'i',
  'u',
  's',
  'em',
  'strong',
  'mark',
  'kbd',
  'sub',
  'sup',
  'small',
  'br',
  'hr',
  'details',
  'summary',
  'p',
  'div',
  'span',
  'blockquote',
  'code',
  'pre',
  'ul',
  'ol',
  'li',
  'dl',
  'dt',
  'dd',
]);
const voidTags = new Set(['br', 'hr']);

const TAG = /<(\/?)([a-zA-Z][a-zA-Z0-9-]*)\b(?:[^>"']|"[^"]*"|'[^']*')*>|<!--[\s\S]*?-->/g;

const escapeText = (text: string): string => text.replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function filterRawHtml(html: string): string {
  let out = '';
  let last = 0;
  for (const match of html.matchAll(TAG)) {
    out += escapeText(html.slice(last, match.index));
    last = match.index + match[0].length;
    const name = match[2]?.toLowerCase();
    if (match[0].startsWith('<!--')) continue;
    if (name && allowedTags.has(name)) {
      out += match[1] ? (voidTags.has(name) ? '' : `</${name}>`) : `<${name}>`;
    } else {
      out += escapeText(match[0]).replace(/&(?!lt;|gt;)/g, '&amp;');
    }
  }
  return out + escapeText(html.slice(last));
}
