// The words the import report uses for each reason a file was skipped.
import type { ImportSkipReason } from '../types';

const labels: Record<ImportSkipReason, string> = {
  binary: 'binary file',
  'invalid-utf8': 'not valid UTF-8 text',
  'too-large': 'too large',
  'unsafe-path': 'unsafe path (would escape the folder)',
  'unsupported-type': 'not a .md, .markdown or .txt file',
  unreadable: 'could not be read',
  'duplicate-path': 'same path as an earlier file in this import',
  conflict:
    'changed both in Hearth and in the folder since the last import; Hearth kept its version',
};

export function skipReasonLabel(reason: ImportSkipReason): string {
  return labels[reason];
}
