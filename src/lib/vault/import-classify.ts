// Decides, file by file, what an incoming file becomes: a note (by its extension, then only if
// its bytes are UTF-8 text) or an attachment (anything else, kept byte for byte). Path and size are
// checked first, so oversized files are never read. Pure, so it runs in the worker and in unit
// tests alike.
import type { ImportSkip, ImportSkipReason } from '../types';
import { hasNoteExtension, safeRelativePath } from './paths';
import { formatMegabytes, formatMegabytesCeil } from '../format-bytes';
import { maxAttachmentBytes, maxFileBytes } from './import-limits';

export { maxAttachmentBytes, maxFileBytes };

/** Bytes inspected for NUL bytes: enough to catch binary formats without scanning whole files. */
const sniffBytes = 8192;

/** Leading bytes of common binary formats, which can pass for text in their first few bytes. */
const magicNumbers: { label: string; bytes: number[] }[] = [
  { label: 'PNG image', bytes: [0x89, 0x50, 0x4e, 0x47] },
  { label: 'JPEG image', bytes: [0xff, 0xd8, 0xff] },
  { label: 'GIF image', bytes: [0x47, 0x49, 0x46, 0x38] },
  { label: 'PDF document', bytes: [0x25, 0x50, 0x44, 0x46, 0x2d] },
  { label: 'zip archive', bytes: [0x50, 0x4b, 0x03, 0x04] },
  { label: 'gzip archive', bytes: [0x1f, 0x8b] },
  { label: 'WebAssembly module', bytes: [0x00, 0x61, 0x73, 0x6d] },
  { label: 'executable', bytes: [0x7f, 0x45, 0x4c, 0x46] },
  { label: 'SQLite database', bytes: [0x53, 0x51, 0x4c, 0x69, 0x74, 0x65, 0x20, 0x66] },
];

export type FileKind = 'note' | 'attachment';
export type PathCheck =
  { ok: true; path: string; kind: FileKind } | { ok: false; skip: ImportSkip };
export type TextCheck = { ok: true; content: string } | { ok: false; skip: ImportSkip };

function skip(
  path: string,
  reason: ImportSkipReason,
  detail: string,
): { ok: false; skip: ImportSkip } {
  return { ok: false, skip: { path, reason, detail } };
}

/** A folder or file whose name starts with a dot: tool state (`.obsidian`, `.git`, `.DS_Store`). */
const hiddenSegment = /(^|\/)\./;
const hiddenFolder = /(^|\/)\.[^/]*\//;

/** Checks what can be known before reading: a safe path, what the file is, a size within limits. */
export function checkPathAndSize(rawPath: string, sizeBytes: number): PathCheck {
  const path = safeRelativePath(rawPath);
  if (path === null) return skip(rawPath, 'unsafe-path', 'The path leaves the imported folder.');
  const kind: FileKind = hasNoteExtension(path) ? 'note' : 'attachment';
  // A hidden folder (`.trash/`, `.obsidian/`, `.git/`) holds deleted notes or tool state, for
  // notes and attachments alike (a picked folder's hidden folders are never walked at all). A
  // hidden file is skipped only when it is not a note: `.DS_Store` is tool state, but a note
  // named `..md` (tldr's page for the `.` command) is the user's and must round-trip.
  if (hiddenFolder.test(path) || (kind === 'attachment' && hiddenSegment.test(path))) {
    return skip(path, 'hidden', 'Hidden files and folders hold app settings, not your vault.');
  }
  const limit = kind === 'note' ? maxFileBytes : maxAttachmentBytes;
  if (sizeBytes > limit) {
    const detail = `${formatMegabytes(sizeBytes)}; the limit for ${kind === 'note' ? 'a note' : 'an attachment'} is ${formatMegabytesCeil(limit)}.`;
    return skip(path, 'too-large', detail);
  }
  return { ok: true, path, kind };
}

export function binaryKind(bytes: Uint8Array): string | null {
  for (const magic of magicNumbers) {
    if (magic.bytes.every((b, i) => bytes[i] === b)) return magic.label;
  }
  const end = Math.min(bytes.length, sniffBytes);
  for (let i = 0; i < end; i++) if (bytes[i] === 0) return 'contains NUL bytes';
  return null;
}

/**
 * Decodes a file's bytes as strict UTF-8. A byte order mark is kept in the text, so exporting the
 * note writes back exactly the bytes that were imported.
 */
export function decodeNoteText(path: string, bytes: Uint8Array): TextCheck {
  const binary = binaryKind(bytes);
  if (binary) return skip(path, 'binary', binary);
  try {
    const content = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
    return { ok: true, content };
  } catch {
    return skip(path, 'invalid-utf8', 'Save it as UTF-8 and import it again.');
  }
}
