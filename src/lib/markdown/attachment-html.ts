// How a stored vault file shows in a note: images inline, audio and video with the browser's
// player, anything else as a download link with its type and size. URLs are object URLs the
// preview made from the stored bytes (object-urls.ts); nothing here ever names a remote address.
import type { ShownAttachment } from './embed-types';
import { escapeHtml } from './escape';
import { formatBytes } from '../format-bytes';
import { basename } from '../vault/paths';
import { isImageMime } from '../vault/mime';

export interface AttachmentOptions {
  /** Alt text for images (the file name when empty). */
  alt?: string | undefined;
  size?: { width: number; height?: number } | null;
}

function typeLabel(attachment: ShownAttachment): string {
  const ext = /\.([a-z0-9]{1,8})$/i.exec(attachment.path)?.[1];
  return ext ? ext.toUpperCase() : attachment.mime || 'file';
}

export function attachmentHtml(
  attachment: ShownAttachment,
  options: AttachmentOptions = {},
): string {
  const url = escapeHtml(attachment.url);
  const name = escapeHtml(basename(attachment.path));
  const width = options.size ? ` width="${options.size.width}"` : '';
  const height = options.size?.height ? ` height="${options.size.height}"` : '';
  // SVG shows only from its data: URL (object-urls.ts); HEIC and TIFF do not show in browsers.
  const src =
    attachment.mime.toLowerCase() === 'image/svg+xml' ? attachment.imageSrc : attachment.url;
  if (isImageMime(attachment.mime) && src !== undefined) {
    const alt = escapeHtml(options.alt?.trim() || basename(attachment.path));
    return `<img src="${escapeHtml(src)}" alt="${alt}"${width}${height} class="attachment-image">`;
  }
  if (attachment.mime.startsWith('audio/')) {
    return `<audio controls src="${url}" class="attachment-audio" title="${name}"></audio>`;
  }
  if (attachment.mime.startsWith('video/')) {
    return `<video controls src="${url}"${width}${height} class="attachment-video" title="${name}"></video>`;
  }
  const meta = `${typeLabel(attachment)}, ${formatBytes(attachment.sizeBytes)}`;
  return `<a href="${url}" download="${name}" class="attachment-link">${name}</a> <span class="attachment-meta">(${escapeHtml(meta)})</span>`;
}

/** A marker where a target could not be shown; `block` for one that stands as its own paragraph. */
export function embedNotice(
  state: 'missing' | 'loop' | 'deep' | 'limit' | 'pending' | 'error',
  message: string,
  block: boolean,
  extraHtml = '',
): string {
  const tag = block ? 'div' : 'span';
  return `<${tag} class="embed-notice" data-embed-state="${state}">${escapeHtml(message)}${extraHtml}</${tag}>`;
}
