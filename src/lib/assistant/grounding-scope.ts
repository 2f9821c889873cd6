// A chat's grounding scope and the date in its question, as search filters; and the words of the
// question the keyword side can use. The keyword index wants every query word to match, so the
// question's own wording ("what did I write about …") would find nothing: only its content words go.
import type { SearchFilters } from '../types';
import type { ChatGrounding, GroundingScope } from './grounding-types';
import { questionWithoutDate, type DateQuery, type ParsedDate } from './date-phrases';

/** "Use my notes" is on by default once the vault has notes, over all of them. */
export function defaultGrounding(vaultHasNotes: boolean): ChatGrounding {
  return { enabled: vaultHasNotes, scope: { kind: 'all' } };
}

export function scopeLabel(scope: GroundingScope): string {
  switch (scope.kind) {
    case 'all':
      return 'all notes';
    case 'journal':
      return 'the journal';
    case 'folder':
      return `folder ${scope.folder || '(none)'}`;
    case 'tag':
      return `tag #${scope.tag || '(none)'}`;
    case 'dates':
      return `${scope.from || '…'} to ${scope.to || '…'}`;
    case 'pinned':
      return `${scope.noteIds.length} pinned note${scope.noteIds.length === 1 ? '' : 's'}`;
  }
}

export function scopeFilters(scope: GroundingScope): SearchFilters {
  switch (scope.kind) {
    case 'journal':
      return { kind: 'journal' };
    case 'folder':
      return scope.folder.trim() ? { folder: scope.folder.trim().replace(/^\/+|\/+$/g, '') } : {};
    case 'tag':
      return scope.tag.trim() ? { tag: scope.tag.trim().replace(/^#/, '').toLowerCase() } : {};
    case 'dates':
      return { ...(scope.from ? { from: scope.from } : {}), ...(scope.to ? { to: scope.to } : {}) };
    default:
      return {};
  }
}

/** How many earlier years "on this day" looks back. */
export const onThisDayYears = 5;

/**
 * The filters one question is searched with: the chat's scope, narrowed to journal entries of the
 * question's date. "On this day" gives one filter per earlier year.
 */
export function filtersFor(scope: GroundingScope, date: DateQuery | null): SearchFilters[] {
  const base = scopeFilters(scope);
  if (!date) return [base];
  if (date.kind === 'range') return [{ ...base, kind: 'journal', from: date.from, to: date.to }];
  const day = `${String(date.month).padStart(2, '0')}-${String(date.day).padStart(2, '0')}`;
  return Array.from({ length: onThisDayYears }, (_, i) => {
    const year = String(date.beforeYear - 1 - i).padStart(4, '0');
    return { ...base, kind: 'journal' as const, from: `${year}-${day}`, to: `${year}-${day}` };
  });
}

// Question words and function words of the languages the date parser reads first; a word that
// carries meaning is never here. Lowercase.
const stopWords = new Set(
  (
    'a an the and or but of to in on at for from by with about into over after before is are was ' +
    'were be been being am do does did done have has had i me my mine we us our you your it its ' +
    'this that these those there here what which who whom whose when where why how can could ' +
    'should would will shall may might must tell show give find say said write wrote written ' +
    'note notes any some all anything something please ever than then so if not no as up out ' +
    'der die das und oder ein eine ich mein was wie wann wo habe hat le la les un une et ou je ' +
    'mon ma mes que qui quoi el los las y o yo mi qué de en het een en wat hoe'
  ).split(' '),
);

/** The content words of `question` (its date phrase cut out), for retrieval. */
export function retrievalQuery(question: string, date: ParsedDate | null): string {
  const text = date ? questionWithoutDate(question, date) : question;
  const words = text
    .split(/[^\p{L}\p{N}_#-]+/u)
    .map((w) => w.replace(/^[-#]+|[-]+$/g, ''))
    .filter((w) => w && !stopWords.has(w.toLowerCase()));
  return words.join(' ');
}
