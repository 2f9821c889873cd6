// The one sanitizer for everything Markdown turns into HTML (notes and model answers), run after
// marked on the whole output. Links never pass on the opener or referrer and open other sites in
// a new tab; images, audio and video load only from data: images or object URLs Hearth issued
// itself, so a note can never make the browser contact a server; the only form control allowed is
// a disabled checkbox (task lists).
import DOMPurify from 'dompurify';
import { isIssuedObjectUrl } from './object-urls';

// DOMPurify's default URI rule, plus blob: (checked against the issued URLs in the hook below).
const ALLOWED_URI =
  /^(?:(?:(?:f|ht)tps?|mailto|tel|callto|sms|cid|xmpp|matrix|blob):|[^a-z]|[a-z+.-]+(?:[^a-z+.\-:]|$))/i;

const mediaTags = new Set(['IMG', 'AUDIO', 'VIDEO', 'SOURCE', 'TRACK']);

function guardMedia(node: Element): void {
  const src = node.getAttribute('src') ?? '';
  const isImageData = node.tagName === 'IMG' && /^data:image\//i.test(src);
  if (isImageData || isIssuedObjectUrl(src)) return;
  node.removeAttribute('src');
  node.removeAttribute('srcset');
  node.removeAttribute('poster');
  if (node.tagName === 'IMG') {
    node.setAttribute('data-blocked-src', src);
    node.setAttribute('alt', `${node.getAttribute('alt') ?? ''} (remote image not loaded)`.trim());
  }
}

/**
 * True for a web address of another site, however it is spelled: `https://x`, `//x` (the page's
 * scheme) or `/\x` (which browsers read as `//x`): clicking one must not take the app's tab away.
 */
function leavesApp(href: string): boolean {
  try {
    const url = new URL(href, window.location.href);
    return /^https?:$/.test(url.protocol) && url.origin !== window.location.origin;
  } catch {
    return false;
  }
}

function guardLink(node: Element): void {
  const href = node.getAttribute('href') ?? '';
  if (/^blob:/i.test(href) && !isIssuedObjectUrl(href)) node.removeAttribute('href');
  node.setAttribute('rel', 'noopener noreferrer');
  if (leavesApp(href)) node.setAttribute('target', '_blank');
}

/** Task-list boxes show state; they are never a form field anyone can type into or submit. */
function guardInput(node: Element): void {
  for (const name of node.getAttributeNames()) {
    if (!['type', 'checked', 'disabled', 'class', 'aria-label'].includes(name))
      node.removeAttribute(name);
  }
  node.setAttribute('type', 'checkbox');
  node.setAttribute('disabled', '');
  if (!node.hasAttribute('aria-label')) {
    node.setAttribute('aria-label', node.hasAttribute('checked') ? 'Done' : 'Not done');
  }
}

let hooksInstalled = false;

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  DOMPurify.addHook('afterSanitizeAttributes', (node) => {
    if (node.tagName === 'A') guardLink(node);
    else if (mediaTags.has(node.tagName)) guardMedia(node);
    else if (node.tagName === 'INPUT') guardInput(node);
  });
}

export function sanitizeHtml(html: string): string {
  installHooks();
  return DOMPurify.sanitize(html, {
    USE_PROFILES: { html: true },
    FORBID_TAGS: [
      'style',
      'form',
      'button',
      'textarea',
      'select',
      'iframe',
      'object',
      'embed',
      'picture',
    ],
    FORBID_ATTR: ['style', 'srcset', 'poster', 'formaction', 'form'],
    ALLOWED_URI_REGEXP: ALLOWED_URI,
    ADD_ATTR: ['target', 'data-wikilink'],
  });
}
