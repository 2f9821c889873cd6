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

export function matchesNoteFilters(
  note: Pick<Note, 'kind' | 'tags' | 'date'> & { path?: string | undefined },
  filters: SearchFilters,
): boolean {
  if (filters.kind && note.kind !== filters.kind) return false;
  if (filters.tag && !note.tags.includes(filters.tag)) return false;
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
