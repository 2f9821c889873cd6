// The one definition of the search filters both indexes use: the folder filter matches a path
// prefix at a folder boundary, at any depth; a note whose path is unknown never passes it.
import { describe, expect, it } from 'vitest';
import {
  hasFilters,
  inFolder,
  matchesNoteFilters,
  withParentTags,
} from '../../src/lib/search/note-filters';

const note = {
  kind: 'note' as const,
  tags: ['garden', 'work/q3'],
  date: '2024-05-06',
  path: 'projects/alpha/plan.md',
};

describe('note filters', () => {
  it('matches a folder at any depth, at folder boundaries only', () => {
    expect(inFolder('projects/alpha/plan.md', 'projects')).toBe(true);
    expect(inFolder('projects/alpha/plan.md', 'projects/alpha')).toBe(true);
    expect(inFolder('projects/alpha/plan.md', '/projects/alpha/')).toBe(true);
    expect(inFolder('projects/alpha/plan.md', 'projects/alph')).toBe(false);
    expect(inFolder('projects-old/plan.md', 'projects')).toBe(false);
    expect(inFolder('plan.md', 'projects')).toBe(false);
    expect(inFolder('plan.md', '')).toBe(true);
  });

  it('applies every filter set, and only those', () => {
    expect(matchesNoteFilters(note, {})).toBe(true);
    expect(matchesNoteFilters(note, { folder: 'projects', tag: 'garden' })).toBe(true);
    expect(matchesNoteFilters(note, { folder: 'journal' })).toBe(false);
    expect(matchesNoteFilters(note, { kind: 'journal' })).toBe(false);
    expect(matchesNoteFilters(note, { tag: 'wor' })).toBe(false);
    expect(matchesNoteFilters(note, { from: '2024-05-06', to: '2024-05-06' })).toBe(true);
    expect(matchesNoteFilters(note, { from: '2024-05-07' })).toBe(false);
    expect(matchesNoteFilters(note, { to: '2024-05-05' })).toBe(false);
    // Without the note's path the folder filter cannot be satisfied.
    const { path: _path, ...pathless } = note;
    expect(matchesNoteFilters(pathless, { folder: 'projects' })).toBe(false);
    expect(matchesNoteFilters(pathless, { tag: 'garden' })).toBe(true);
  });

  it('matches a tag and the tags nested under it, ignoring case', () => {
    const nested = { ...note, tags: ['Project/Alpha', 'garden'] };
    expect(matchesNoteFilters(nested, { tag: 'project' })).toBe(true);
    expect(matchesNoteFilters(nested, { tag: '#project/alpha' })).toBe(true);
    expect(matchesNoteFilters(nested, { tag: 'PROJECT/' })).toBe(true);
    expect(matchesNoteFilters(nested, { tag: 'project/alpha/x' })).toBe(false);
    expect(matchesNoteFilters(nested, { tag: 'proj' })).toBe(false);
    expect(matchesNoteFilters(nested, { tag: 'alpha' })).toBe(false);
    expect(matchesNoteFilters(note, { tag: 'work' })).toBe(true);
    expect(matchesNoteFilters(note, { tag: '#' })).toBe(true);
  });

  it('lists parent tags beside the tags', () => {
    expect(withParentTags(['work/q3/a', 'garden', 'work'])).toEqual([
      'garden',
      'work',
      'work/q3',
      'work/q3/a',
    ]);
  });

  it('tells an empty filter from a set one', () => {
    expect(hasFilters({})).toBe(false);
    expect(hasFilters({ kind: undefined, tag: '', folder: '' })).toBe(false);
    expect(hasFilters({ folder: 'projects' })).toBe(true);
    expect(hasFilters({ from: '2024-01-01' })).toBe(true);
  });
});
