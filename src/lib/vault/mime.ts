// MIME types of attachments, from their extension: what a `blob:` URL is served as, so an image
// shows, a PDF opens in the browser's viewer and audio plays. A small table of what vaults hold,
// rather than a package with every type ever registered.

export const defaultMime = 'application/octet-stream';

const byExtension: Record<string, string> = {
  // images
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  avif: 'image/avif',
  svg: 'image/svg+xml',
  bmp: 'image/bmp',
  ico: 'image/x-icon',
  tif: 'image/tiff',
  tiff: 'image/tiff',
  heic: 'image/heic',
  // documents
  pdf: 'application/pdf',
  json: 'application/json',
  canvas: 'application/json',
  csv: 'text/csv',
  html: 'text/html',
  htm: 'text/html',
  css: 'text/css',
  xml: 'application/xml',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  odt: 'application/vnd.oasis.opendocument.text',
  epub: 'application/epub+zip',
  zip: 'application/zip',
  // audio
  mp3: 'audio/mpeg',
  wav: 'audio/wav',
  ogg: 'audio/ogg',
  oga: 'audio/ogg',
  opus: 'audio/ogg',
  m4a: 'audio/mp4',
  aac: 'audio/aac',
  flac: 'audio/flac',
  weba: 'audio/webm',
  '3gp': 'audio/3gpp',
  // video
  mp4: 'video/mp4',
  m4v: 'video/mp4',
  webm: 'video/webm',
  ogv: 'video/ogg',
  mov: 'video/quicktime',
  mkv: 'video/x-matroska',
  // fonts
  woff: 'font/woff',
  woff2: 'font/woff2',
  ttf: 'font/ttf',
  otf: 'font/otf',
};

/**
 * The MIME type for a path's extension; otherwise the type the browser gave the file (when it
 * gave one), otherwise `application/octet-stream`.
 */
export function mimeForPath(path: string, fallback = ''): string {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
  return byExtension[ext] ?? (fallback || defaultMime);
}

/** Images a note can show inline with `<img>` (everything else is offered as a link). */
export function isImageMime(mime: string): boolean {
  return mime.startsWith('image/') && mime !== 'image/heic' && mime !== 'image/tiff';
}

/** Types worth deflating in a zip; images, audio, video, PDFs and archives are compressed already. */
export function isCompressible(mime: string): boolean {
  return /^(text\/|application\/(json|xml)|image\/svg\+xml)/.test(mime);
}
