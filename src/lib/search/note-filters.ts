// The search filters (kind, tag, folder, date range), one definition for keyword and semantic
// results. Both sides apply them before ranking, so a selective filter still yields k results.
import type { Note, SearchFilters } from '../types';

/** The folder filter without leading or trailing slashes ('' matches every note). */
export function normalizeFolder(folder: string): string {
  return folder.replace(/^\/+|\/+$/g, '');
}

/** Whether `path` lies inside `folder` (at any depth); every path lies inside ''. */
export function inFolder(path: string, folder: string): boolean {
  const prefix = normalizeFolder(folder);
  return prefix === '' || path.startsWith(`${prefix}/`);
}

/** The tag filter as compared: no leading '#' or trailing '/', case-folded. */
export function normalizeTag(tag: string): string {
  return tag.replace(/^#+/, '').replace(/\/+$/, '').toLowerCase();
}

/**
 * Whether `tags` hold `tag` or a tag nested under it (`project` matches `project/alpha`, as in
 * Obsidian), ignoring case. `tag` must be normalized (normalizeTag).
 */
export function hasTag(tags: readonly string[], tag: string): boolean {
  for (const t of tags) {
    const folded = t.toLowerCase();
    if (folded === tag || folded.startsWith(`${tag}/`)) return true;
  }
  return false;
}

/**
 * Every tag with its parents (`a/b/c` gives `a`, `a/b`, `a/b/c`), sorted, so a tag list offers
 * the parents the filter matches too.
 */
export function withParentTags(tags: readonly string[]): string[] {
  const all = new Set<string>();
  for (const tag of tags) {
    const parts = tag.split('/');
    for (let i = 1; i <= parts.length; i++) all.add(parts.slice(0, i).join('/'));
  }
  all.delete('');
  return [...all].sort((a, b) => a.localeCompare(b));
}

export function matchesNoteFilters(
  note: Pick<Note, 'kind' | 'tags' | 'date'> & { path?: string | undefined },
  filters: SearchFilters,
): boolean {
  if (filters.kind && note.kind !== filters.kind) return false;
  const tag = filters.tag ? normalizeTag(filters.tag) : '';
  if (tag && !hasTag(note.tags, tag)) return false;
  if (filters.from && note.date < filters.from) return false;
  if (filters.to && note.date > filters.to) return false;
  if (filters.folder && (note.path === undefined || !inFolder(note.path, filters.folder)))
    return false;
  return true;
}

/** Whether any filter is set (an empty one ranks every note). */
export function hasFilters(filters: SearchFilters): boolean {
  return !!(filters.kind || filters.tag || filters.from || filters.to || filters.folder);
}
