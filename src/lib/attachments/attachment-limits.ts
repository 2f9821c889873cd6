// What one chat attachment may take, in one place: the reader enforces these, the tray states them,
// and the README repeats them. No dependencies, so the page can show them without loading a reader.
//
// An attachment is one picked or dropped file, one folder, or one zip. Everything read in one pick
// or drop shares one byte budget, so a drop of many files cannot add more than a folder could.

/** The largest single file read (a PDF, a source file, a CSV); larger ones are refused. */
export const maxFileBytes = 20 * 2 ** 20;
/** The most bytes one pick or drop reads, all files together (and the largest zip opened). */
export const maxSetBytes = 50 * 2 ** 20;
/** The most files one folder or zip contributes, after dependency and build folders are skipped. */
export const maxSetFiles = 2_000;
/** Pages read from one PDF; the rest are left out and the attachment says so. */
export const maxPdfPages = 2_000;
/** Characters kept from one PDF's text (about 2,000 dense pages). */
export const maxPdfChars = 8_000_000;
/** Refused files listed by name on one attachment; beyond this they are only counted. */
export const maxListedRefusals = 100;

/** Folders in a code tree that hold dependencies, tool state or build output, never the code. */
export const skippedFolders: ReadonlySet<string> = new Set([
  'node_modules',
  'bower_components',
  'jspm_packages',
  'vendor',
  'dist',
  'build',
  'out',
  'target',
  'coverage',
  '__pycache__',
  'venv',
  'site-packages',
]);

/** Files that are generated, huge and useless to a reader of the code. */
export const skippedFiles: ReadonlySet<string> = new Set([
  'package-lock.json',
  'yarn.lock',
  'pnpm-lock.yaml',
  'bun.lockb',
  'cargo.lock',
  'poetry.lock',
  'composer.lock',
  'gemfile.lock',
  'go.sum',
  '.ds_store',
  'thumbs.db',
]);
