// Domain types shared by the UI, storage and workers.

export type NoteKind = 'note' | 'journal';

/**
 * A note is a plain Markdown file at `path` in the vault. Its exact text (frontmatter included)
 * lives apart in a `NoteBody` so lists never load it; title, tags, date and kind are derived from
 * path and text and cached here so they can be indexed.
 */
export interface Note {
  id: string;
  path: string;
  kind: NoteKind;
  title: string;
  tags: string[];
  /** Local calendar date `YYYY-MM-DD`: the journal day, the frontmatter date, or the creation day. */
  date: string;
  sizeBytes: number;
  /** SHA-256 of `content` as UTF-8, hex. */
  hash: string;
  /**
   * The hash of the file as last imported, for notes that came from a folder or zip. When it
   * differs from `hash`, the note was edited in Hearth since, and a re-import must not overwrite it.
   */
  importedHash?: string | undefined;
  createdAt: number;
  updatedAt: number;
  /** 0 while the note is live; the time it was moved to the trash otherwise (IndexedDB cannot index null). */
  deletedAt: number;
}

export interface NoteBody {
  id: string;
  content: string;
}

export type NoteWithContent = Note & { content: string };

/** What an import matches an incoming file against: the stored note at the same path. */
export type ExistingNote = Pick<Note, 'id' | 'hash' | 'createdAt' | 'deletedAt' | 'importedHash'>;
export type ExistingIndex = ReadonlyMap<string, ExistingNote>;

export interface NoteMeta {
  kind: NoteKind;
  title: string;
  tags: string[];
  date: string;
}

export type ImportSkipReason =
  | 'binary'
  | 'invalid-utf8'
  | 'too-large'
  | 'unsafe-path'
  | 'hidden'
  | 'corrupt'
  | 'unreadable'
  | 'duplicate-path'
  | 'conflict';

export interface ImportSkip {
  path: string;
  reason: ImportSkipReason;
  detail: string;
}

export interface ImportReport {
  /** Notes (journal entries included). */
  added: number;
  updated: number;
  unchanged: number;
  /** Every other file of the vault: images, PDFs, audio, anything; `bytes` is what was written. */
  attachments: { added: number; updated: number; unchanged: number; bytes: number };
  skipped: ImportSkip[];
  /** Total candidate files seen, skipped ones included. */
  total: number;
  durationMs: number;
}

export interface ImportProgress {
  phase: 'reading' | 'saving' | 'done';
  done: number;
  total: number;
}

export interface SearchFilters {
  kind?: NoteKind | undefined;
  tag?: string | undefined;
  /** Inclusive `YYYY-MM-DD` bounds. */
  from?: string | undefined;
  to?: string | undefined;
  /** A vault folder: notes whose path lies inside it, at any depth (`journal` or `journal/2024`). */
  folder?: string | undefined;
}

export interface SnippetPart {
  text: string;
  hit: boolean;
}

export interface SearchHit {
  id: string;
  title: string;
  path: string;
  kind: NoteKind;
  date: string;
  tags: string[];
  score: number;
  snippet: SnippetPart[];
}
