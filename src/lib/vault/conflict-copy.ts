// The other side of a conflict, kept as a note of its own beside the original:
// “Groceries (conflict 2026-12-04 15.03).md”, titled the same way, so lists, wikilinks and the
// journal never mistake it for the original. (File names avoid `:`, which Windows refuses.)
import type { NoteWithContent } from '../types';
import { buildNote } from './note-record';
import { setFrontmatterFields } from './frontmatter';
import { dirname, extension, slugify, uniquePath } from './paths';
import { localDateKey } from './dates';

/** A conflict copy as the editor reports it. */
export interface ConflictCopy {
  id: string;
  title: string;
  path: string;
  /** The other text exactly as it was stored (the copy's own text carries its new title). */
  theirs: string;
  /** The text that went into the note over it. */
  mine: string;
}

export function conflictLabel(at: Date): string {
  const hh = String(at.getHours()).padStart(2, '0');
  const mm = String(at.getMinutes()).padStart(2, '0');
  return `conflict ${localDateKey(at)} ${hh}.${mm}`;
}

/**
 * `content` as a conflict copy titled `title`. A journal entry's copy (by `kindOf`) is a plain
 * note: one day keeps one entry. Frontmatter that is not valid YAML stays untouched: the text
 * matters more than its title.
 */
export function retitledCopy(content: string, title: string, kindOf: () => unknown): string {
  try {
    const kind = kindOf() === 'journal' ? { kind: 'note' } : {};
    return setFrontmatterFields(content, { title, ...kind });
  } catch {
    return content;
  }
}

export async function buildConflictCopy(
  theirs: NoteWithContent,
  now: number,
  taken: (path: string) => boolean,
): Promise<NoteWithContent> {
  const title = `${theirs.title} (${conflictLabel(new Date(now))})`;
  const content = retitledCopy(theirs.content, title, () => theirs.kind);
  const path = uniquePath(dirname(theirs.path), slugify(title), taken, extension(theirs.path));
  return buildNote(path, content, now);
}
