// Title, tags, date and kind of a note, derived from its path and text alone.
import type { NoteKind, NoteMeta } from '../types';
import { readFrontmatter, splitFrontmatter } from './frontmatter';
import { extractInlineTags } from './inline-tags';
import { basename, stripExtension } from './paths';
import { isDateKey, toDateKey } from './dates';

export const JOURNAL_DIR = 'journal';

export function journalPath(dateKey: string): string {
  return `${JOURNAL_DIR}/${dateKey}.md`;
}

function journalDateFromPath(path: string): string {
  const match = /(?:^|\/)journal\/(\d{4}-\d{2}-\d{2})\.(?:md|markdown|txt)$/i.exec(path);
  return match?.[1] && isDateKey(match[1]) ? match[1] : '';
}

function firstHeading(body: string): string {
  const match = /^#{1,6}[ \t]+(.+?)[ \t#]*$/m.exec(body);
  return match?.[1]?.trim() ?? '';
}

export function normalizeTags(value: unknown): string[] {
  const raw = Array.isArray(value) ? value : typeof value === 'string' ? value.split(/[,\s]+/) : [];
  const tags = raw
    .filter((t): t is string | number => typeof t === 'string' || typeof t === 'number')
    .map((t) => String(t).trim().replace(/^#/, ''))
    .filter((t) => t.length > 0 && t.length <= 64);
  return [...new Set(tags)];
}

/** The tags the frontmatter lists (what the editor's Tags field shows and edits). */
export function frontmatterTags(content: string): string[] {
  return normalizeTags(readFrontmatter(content)['tags']);
}

/**
 * `fallbackDate` is used when neither frontmatter nor path names a day (e.g. the creation day).
 * Tags are the frontmatter's followed by the inline `#tags` of the text, so both filter search.
 */
export function deriveMeta(path: string, content: string, fallbackDate: string): NoteMeta {
  const fm = readFrontmatter(content);
  const { body } = splitFrontmatter(content);
  const pathDate = journalDateFromPath(path);
  const fmDate = toDateKey(fm['date']);
  const kind: NoteKind =
    fm['kind'] === 'journal' || (pathDate && fm['kind'] !== 'note') ? 'journal' : 'note';
  const titleField =
    typeof fm['title'] === 'string' || typeof fm['title'] === 'number'
      ? String(fm['title']).trim()
      : '';
  const title = titleField || firstHeading(body) || stripExtension(basename(path)) || 'Untitled';
  return {
    kind,
    title: title.slice(0, 300),
    tags: normalizeTags([...normalizeTags(fm['tags']), ...extractInlineTags(body)]),
    date: (kind === 'journal' ? pathDate || fmDate : fmDate || pathDate) || fallbackDate,
  };
}
