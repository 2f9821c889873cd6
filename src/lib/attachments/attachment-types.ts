// Shapes shared by the attachment reader, its store and the chat tray.
import type { DocFormat } from './file-kinds';

/** One file to read, wherever it came from (a picked File, a dropped entry, a zip entry). */
export interface SourceFile {
  /** Path inside what was attached (`repo/src/main.ts`), or just the name for a loose file. */
  path: string;
  sizeBytes: number;
  read(): Promise<Uint8Array>;
}

/** What the user attached in one gesture: a loose file, a folder, or a zip (each one attachment). */
export type AttachmentSource =
  | { kind: 'file'; name: string; file: SourceFile }
  | { kind: 'folder'; name: string; files: SourceFile[] }
  | { kind: 'zip'; name: string; file: SourceFile };

/** A file left out, and why, in words fit to show. */
export interface Refusal {
  path: string;
  reason: string;
}

/** One file's text as read. PDF pages are joined with a blank line; `pages` says where each starts. */
export interface ReadDoc {
  path: string;
  format: DocFormat;
  text: string;
  sizeBytes: number;
  /** PDF only: each page's character range in `text`, end exclusive. */
  pages?: { number: number; start: number; end: number }[];
  /** PDF only: pages in the file (more than `pages.length` when the page limit cut it short). */
  pageCount?: number;
}

export interface ReadAttachment {
  kind: AttachmentSource['kind'];
  name: string;
  docs: ReadDoc[];
  /** Files inside that were refused, at most maxListedRefusals of them. */
  refused: Refusal[];
  refusedCount: number;
  /** Files passed over unread: dependency, build and hidden folders, lockfiles, empty files. */
  skippedCount: number;
  /** Bytes of the files kept. */
  sizeBytes: number;
}

export interface ReadProgress {
  /** Files looked at so far, of `total`. */
  done: number;
  total: number;
  /** The file being read, and for a PDF the page. */
  path: string;
  page?: { number: number; of: number };
}
