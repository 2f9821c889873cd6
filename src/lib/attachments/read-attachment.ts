// Reads one attachment (a file, a folder or a zip) into text documents. Files inside a folder or
// zip are read one at a time, in path order, each kept or refused on its own: one bad file never
// costs the rest. Only an attachment with nothing readable at all is refused as a whole.
import { HearthError, errorMessage } from '../errors';
import { formatMegabytes, formatMegabytesCeil } from '../format-bytes';
import { safeRelativePath } from '../vault/paths';
import { readZip } from '../vault/zip';
import { maxListedRefusals, maxSetBytes, maxSetFiles } from './attachment-limits';
import type {
  AttachmentSource,
  ReadAttachment,
  ReadProgress,
  Refusal,
  SourceFile,
} from './attachment-types';
import { skipReason } from './file-kinds';
import { EMPTY, readFile, type ExtractPdf } from './read-file';
import { breather } from './breathing';

/** Nothing in the attachment could be read; the message says why, fit to show. */
export class AttachmentRefusedError extends HearthError {
  override name = 'AttachmentRefusedError';
}

export interface ReadAttachmentOptions {
  extractPdf: ExtractPdf;
  /** Bytes kept so far by this pick or drop; pass the same object for every attachment of it. */
  budget?: { usedBytes: number };
  signal?: AbortSignal;
  onProgress?: (progress: ReadProgress) => void;
}

async function zipFiles(file: SourceFile, refused: Refusal[]): Promise<SourceFile[]> {
  if (file.sizeBytes > maxSetBytes)
    throw new AttachmentRefusedError(
      `This zip is ${formatMegabytes(file.sizeBytes)}; Hearth opens zips of up to ${formatMegabytesCeil(maxSetBytes)}.`,
    );
  let entries;
  try {
    entries = readZip(await file.read());
  } catch (error) {
    throw new AttachmentRefusedError(errorMessage(error), { cause: error });
  }
  const files: SourceFile[] = [];
  for (const entry of entries) {
    const path = safeRelativePath(entry.path);
    if (path === null)
      refused.push({ path: entry.path, reason: 'Not read: its path leaves the zip.' });
    else if (entry.duplicate)
      refused.push({ path, reason: 'Not read: an earlier file in the zip has the same path.' });
    else
      files.push({ path, sizeBytes: entry.sizeBytes, read: () => Promise.resolve(entry.read()) });
  }
  return files;
}

/** The folder's own name is not a folder inside it: a picked `build/` folder is still read. */
const insideRoot = (source: AttachmentSource, path: string): string =>
  source.kind === 'folder' ? path.slice(path.indexOf('/') + 1) : path;

export async function readAttachment(
  source: AttachmentSource,
  options: ReadAttachmentOptions,
): Promise<ReadAttachment> {
  const { signal, onProgress } = options;
  const budget = options.budget ?? { usedBytes: 0 };
  const refused: Refusal[] = [];
  let candidates: SourceFile[];
  if (source.kind === 'file') candidates = [source.file];
  else if (source.kind === 'folder') candidates = source.files;
  else candidates = await zipFiles(source.file, refused);

  const kept: SourceFile[] = [];
  let skippedCount = 0;
  for (const file of candidates) {
    if (source.kind !== 'file' && skipReason(insideRoot(source, file.path))) skippedCount++;
    else kept.push(file);
  }
  kept.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const overflow = kept.splice(maxSetFiles);
  let refusedCount = refused.length;
  const result: ReadAttachment = {
    kind: source.kind,
    name: source.name,
    docs: [],
    refused,
    refusedCount,
    skippedCount,
    sizeBytes: 0,
  };
  const breathe = breather();
  for (const [i, file] of kept.entries()) {
    signal?.throwIfAborted();
    onProgress?.({ done: i, total: kept.length, path: file.path });
    const outcome = await readFile(file, {
      extractPdf: options.extractPdf,
      budget,
      signal,
      onPage: (number, of) =>
        onProgress?.({ done: i, total: kept.length, path: file.path, page: { number, of } }),
    });
    if (outcome === EMPTY) result.skippedCount++;
    else if ('reason' in outcome) {
      refusedCount++;
      if (refused.length < maxListedRefusals) refused.push(outcome);
    } else {
      result.docs.push(outcome);
      result.sizeBytes += outcome.sizeBytes;
    }
    await breathe();
  }
  if (overflow.length > 0) {
    refusedCount += overflow.length;
    refused.push({
      path: `${overflow.length.toLocaleString('en')} more files (from ${overflow[0]!.path})`,
      reason: `Not read: one folder or zip gives at most ${maxSetFiles.toLocaleString('en')} files. Attach a smaller part of it.`,
    });
  }
  result.refusedCount = refusedCount;
  onProgress?.({ done: kept.length, total: kept.length, path: '' });
  if (result.docs.length === 0) throw new AttachmentRefusedError(nothingReadable(source, result));
  return result;
}

function nothingReadable(source: AttachmentSource, read: ReadAttachment): string {
  if (source.kind === 'file' && read.refused[0]) return read.refused[0].reason;
  if (source.kind === 'file') return 'Not added: the file is empty.';
  const first = read.refused[0];
  return first
    ? `Not added: none of its files could be read (${first.path}: ${first.reason})`
    : `Not added: it holds no files Hearth reads (text, code, JSON/CSV, PDF).`;
}
