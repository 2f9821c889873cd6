import { describe, expect, it } from 'vitest';
import {
  firstByPath,
  planAttachments,
  planImport,
  type ExistingNote,
} from '../../src/lib/vault/import-plan';

const file = (path: string, hash: string) => ({ path, content: `text of ${path}`, hash });
/** A note as it came from an earlier import (not edited in Hearth since). */
const note = (id: string, hash: string, deletedAt = 0): ExistingNote => ({
  id,
  hash,
  createdAt: 1000,
  deletedAt,
  importedHash: hash,
});

describe('planImport', () => {
  it('adds new paths, updates changed ones in place and leaves equal ones alone', () => {
    const existing = new Map([
      ['a.md', note('id-a', 'h1')],
      ['b.md', note('id-b', 'h2')],
    ]);
    const plan = planImport(
      [file('a.md', 'h1'), file('b.md', 'changed'), file('c.md', 'h3')],
      existing,
    );
    expect(plan.unchanged.map((f) => f.path)).toEqual(['a.md']);
    expect(plan.updates).toEqual([{ file: file('b.md', 'changed'), existing: note('id-b', 'h2') }]);
    expect(plan.adds.map((f) => f.path)).toEqual(['c.md']);
  });

  it('matches trashed notes too, so a re-import never duplicates them', () => {
    const existing = new Map([['old.md', note('id-old', 'h', 5000)]]);
    const plan = planImport([file('old.md', 'new-hash')], existing);
    expect(plan.adds).toEqual([]);
    expect(plan.updates[0]?.existing).toEqual({
      id: 'id-old',
      hash: 'h',
      createdAt: 1000,
      deletedAt: 5000,
      importedHash: 'h',
    });
  });

  it('matches paths exactly, case included', () => {
    const plan = planImport([file('A.md', 'h')], new Map([['a.md', note('id', 'h')]]));
    expect(plan.adds.map((f) => f.path)).toEqual(['A.md']);
  });

  it('handles an empty import', () => {
    expect(planImport([], new Map())).toEqual({
      adds: [],
      updates: [],
      unchanged: [],
      conflicts: [],
    });
  });

  it('keeps an edit made in Hearth when the source file has not changed since the last import', () => {
    const edited = { ...note('id', 'edited-in-hearth'), importedHash: 'as-imported' };
    const plan = planImport([file('a.md', 'as-imported')], new Map([['a.md', edited]]));
    expect(plan.unchanged.map((f) => f.path)).toEqual(['a.md']);
    expect(plan.updates).toEqual([]);
  });

  it('reports a conflict, never overwriting, when both sides changed or the note was never imported', () => {
    const edited = { ...note('id', 'edited-in-hearth'), importedHash: 'as-imported' };
    const written = { ...note('id2', 'written-here'), importedHash: undefined };
    const plan = planImport(
      [file('a.md', 'changed-in-folder'), file('b.md', 'from-elsewhere')],
      new Map<string, ExistingNote>([
        ['a.md', edited],
        ['b.md', written],
      ]),
    );
    expect(plan.conflicts.map((f) => f.path)).toEqual(['a.md', 'b.md']);
    expect(plan.updates).toEqual([]);
  });
});

describe('firstByPath', () => {
  it('keeps the first item at each path and returns the repeats', () => {
    const { kept, repeats } = firstByPath([
      { path: 'a.md', n: 1 },
      { path: 'b.md', n: 2 },
      { path: 'a.md', n: 3 },
    ]);
    expect(kept).toEqual([
      { path: 'a.md', n: 1 },
      { path: 'b.md', n: 2 },
    ]);
    expect(repeats).toEqual([{ path: 'a.md', n: 3 }]);
  });
});

describe('planAttachments', () => {
  const incoming = (path: string, hash: string) => ({
    path,
    hash,
    sizeBytes: 1,
    mime: 'image/png',
    blob: new Blob(['x']),
  });

  it('adds new paths, replaces changed bytes in place, and leaves equal ones alone', () => {
    const existing = new Map([
      ['a.png', { id: 'id-a', hash: 'h1' }],
      ['b.png', { id: 'id-b', hash: 'h2' }],
    ]);
    const plan = planAttachments(
      [incoming('a.png', 'h1'), incoming('b.png', 'new'), incoming('c.png', 'h3')],
      existing,
    );
    expect(plan.unchanged.map((f) => f.path)).toEqual(['a.png']);
    expect(plan.updates.map((u) => [u.file.path, u.existingId])).toEqual([['b.png', 'id-b']]);
    expect(plan.adds.map((f) => f.path)).toEqual(['c.png']);
  });

  it('matches the exact path only: another folder or case is another file', () => {
    const existing = new Map([['a/x.png', { id: 'id', hash: 'h' }]]);
    const plan = planAttachments([incoming('b/x.png', 'h'), incoming('a/X.png', 'h')], existing);
    expect(plan.adds.map((f) => f.path)).toEqual(['b/x.png', 'a/X.png']);
  });
});
