// Reads one file of an attachment into text, or says in plain words why it was refused. Size is
// checked before a byte is read; text files must be strict UTF-8 without NUL bytes; PDFs go to
// pdf.js (in its own worker), whose typed errors already carry the reason to show.
import { HearthError, errorMessage } from '../errors';
import { formatMegabytes, formatMegabytesCeil } from '../format-bytes';
import type { PdfText, PdfTextOptions } from '../pdf/pdf-text';
import { binaryKind } from '../vault/import-classify';
import { maxFileBytes, maxPdfChars, maxPdfPages, maxSetBytes } from './attachment-limits';
import type { ReadDoc, Refusal, SourceFile } from './attachment-types';
import { fileKind } from './file-kinds';

export type ExtractPdf = (bytes: Uint8Array, options: PdfTextOptions) => Promise<PdfText>;

export interface ReadContext {
  extractPdf: ExtractPdf;
  /** Bytes kept so far by this pick or drop, shared by all its attachments. */
  budget: { usedBytes: number };
  signal?: AbortSignal;
  onPage?: (page: number, pages: number) => void;
}

/** A file with nothing in it but whitespace: passed over, not refused (there is nothing to lose). */
export const EMPTY = Symbol('empty');

const refuse = (path: string, reason: string): Refusal => ({ path, reason });

export const tooLargeReason = (sizeBytes: number): string =>
  `Not read: ${formatMegabytes(sizeBytes)}; Hearth reads files of up to ${formatMegabytesCeil(maxFileBytes)}.`;

export const overBudgetReason = (): string =>
  `Not read: one pick or drop reads at most ${formatMegabytesCeil(maxSetBytes)} in all. Attach it separately.`;

/** Strict UTF-8 text, or why the bytes are not text. A byte order mark is dropped. */
export function decodeText(bytes: Uint8Array): { text: string } | { reason: string } {
  const binary = binaryKind(bytes);
  if (binary) return { reason: `Not read: this is a binary file (${binary}), not text.` };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    return {
      reason: 'Not read: this file is not UTF-8 text. Save it as UTF-8 and attach it again.',
    };
  }
}

async function readPdf(
  path: string,
  bytes: Uint8Array,
  ctx: ReadContext,
): Promise<ReadDoc | Refusal> {
  let pdf: PdfText;
  try {
    pdf = await ctx.extractPdf(bytes, {
      maxPages: maxPdfPages,
      maxChars: maxPdfChars,
      maxBytes: maxFileBytes,
      signal: ctx.signal,
      onProgress: ctx.onPage,
    });
  } catch (error) {
    ctx.signal?.throwIfAborted();
    if (error instanceof HearthError) return refuse(path, error.message);
    return refuse(path, `This PDF could not be read (${errorMessage(error)}).`);
  }
  let text = '';
  const pages: NonNullable<ReadDoc['pages']> = [];
  for (const page of pdf.pages) {
    if (text !== '') text += '\n\n';
    pages.push({ number: page.number, start: text.length, end: text.length + page.text.length });
    text += page.text;
  }
  return { path, format: 'pdf', text, sizeBytes: bytes.length, pages, pageCount: pdf.pageCount };
}

export async function readFile(
  file: SourceFile,
  ctx: ReadContext,
): Promise<ReadDoc | Refusal | typeof EMPTY> {
  const { path } = file;
  const kind = fileKind(path);
  if (kind.kind === 'refused') return refuse(path, kind.reason);
  if (kind.kind === 'zip')
    return refuse(
      path,
      'Not read: a zip inside a folder or zip is not opened. Attach it on its own.',
    );
  if (file.sizeBytes > maxFileBytes) return refuse(path, tooLargeReason(file.sizeBytes));
  if (ctx.budget.usedBytes + file.sizeBytes > maxSetBytes) return refuse(path, overBudgetReason());
  let bytes: Uint8Array;
  try {
    bytes = await file.read();
  } catch (error) {
    ctx.signal?.throwIfAborted();
    return refuse(path, `Not read: ${errorMessage(error)}`);
  }
  // What a zip entry or a changed file declared is not trusted: the bytes are counted again.
  if (bytes.length > maxFileBytes) return refuse(path, tooLargeReason(bytes.length));
  if (ctx.budget.usedBytes + bytes.length > maxSetBytes) return refuse(path, overBudgetReason());
  let doc: ReadDoc | Refusal;
  if (kind.kind === 'pdf') doc = await readPdf(path, bytes, ctx);
  else {
    const decoded = decodeText(bytes);
    doc =
      'reason' in decoded
        ? refuse(path, decoded.reason)
        : { path, format: kind.format, text: decoded.text, sizeBytes: bytes.length };
  }
  if ('reason' in doc) return doc;
  if (doc.text.trim() === '') return EMPTY;
  ctx.budget.usedBytes += bytes.length;
  return doc;
}
