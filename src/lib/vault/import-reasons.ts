// The words the import report uses for each reason a file was skipped, and for its limits.
import type { ImportSkipReason } from '../types';
import { formatMegabytesCeil } from '../format-bytes';
import {
  maxAttachmentBytes,
  maxFileBytes,
  maxZipBytes,
  maxZipEntries,
  maxZipUnpackedBytes,
} from './import-limits';

const labels: Record<ImportSkipReason, string> = {
  binary: 'binary file',
  'invalid-utf8': 'not valid UTF-8 text',
  'too-large': 'too large',
  'unsafe-path': 'unsafe path (would escape the folder)',
  hidden: 'hidden file or folder',
  corrupt: 'damaged inside the zip; nothing of it was stored',
  unreadable: 'could not be read',
  'duplicate-path': 'same path as an earlier file in this import',
  conflict:
    'changed both in Hearth and in the folder since the last import; Hearth kept its version',
};

export function skipReasonLabel(reason: ImportSkipReason): string {
  return labels[reason];
}

/** What an import keeps and how large it may be, in one sentence for the import dialog. */
export function importLimitsText(): string {
  const mb = (bytes: number) =>
    bytes >= 2 ** 30 && bytes % 2 ** 30 === 0
      ? `${bytes / 2 ** 30} GB`
      : formatMegabytesCeil(bytes);
  return (
    `Notes (.md, .markdown, .txt) up to ${mb(maxFileBytes)} each; every other file ` +
    `(images, PDFs, audio, anything) is kept as an attachment, up to ${mb(maxAttachmentBytes)} ` +
    `each. Zips up to ${mb(maxZipBytes)}, unpacking to at most ${mb(maxZipUnpackedBytes)} ` +
    `in at most ${maxZipEntries.toLocaleString('en')} files. Hidden files and folders (.obsidian, .git) are left out.`
  );
}
