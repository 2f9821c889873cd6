// The search filters (kind, tag, date range), one definition for keyword and semantic results.
import type { Note, SearchFilters } from '../types';

export function matchesNoteFilters(
  note: Pick<Note, 'kind' | 'tags' | 'date'>,
  filters: SearchFilters,
): boolean {
  if (filters.kind && note.kind !== filters.kind) return false;
  if (filters.tag && !note.tags.includes(filters.tag)) return false;
  if (filters.from && note.date < filters.from) return false;
  if (filters.to && note.date > filters.to) return false;
  return true;
}
