import { describe, expect, it } from 'vitest';
import { hasNoteExtension, safeRelativePath, slugify, uniquePath } from '../../src/lib/vault/paths';
import { addDays, isDateKey, toDateKey } from '../../src/lib/vault/dates';

describe('safeRelativePath', () => {
  it('keeps ordinary relative paths and normalizes backslashes', () => {
    expect(safeRelativePath('tldr/pages/common/tar.md')).toBe('tldr/pages/common/tar.md');
    expect(safeRelativePath('a\\b.md')).toBe('a/b.md');
    expect(safeRelativePath('日本語/メモ.md')).toBe('日本語/メモ.md');
  });

  it.each([
    '../../evil.md',
    'a/../../b.md',
    '/etc/passwd.md',
    'C:/x.md',
    'a//b.md',
    './a.md',
    'a/\u0000.md',
    '',
    'https://x/y.md',
  ])('rejects %j', (path) => expect(safeRelativePath(path)).toBeNull());
});

describe('names', () => {
  it('recognises note extensions case-insensitively', () => {
    expect(hasNoteExtension('A.MD')).toBe(true);
    expect(hasNoteExtension('a.markdown')).toBe(true);
    expect(hasNoteExtension('a.txt')).toBe(true);
    expect(hasNoteExtension('a.png')).toBe(false);
  });

  it('slugifies titles in any script and drops characters file systems reject', () => {
    expect(slugify('  Plan: Q4 / 2026?  ')).toBe('Plan Q4 2026');
    expect(slugify('買い物リスト')).toBe('買い物リスト');
    expect(slugify('...')).toBe('Untitled');
  });

  it('finds the first free path, ignoring case', () => {
    const taken = new Set(['notes/a.md', 'notes/a 2.md']);
    expect(uniquePath('notes', 'a', (p) => taken.has(p))).toBe('notes/a 3.md');
    expect(uniquePath('', 'b', () => false)).toBe('b.md');
  });
});

describe('dates', () => {
  it('validates and shifts local date keys', () => {
    expect(isDateKey('2026-02-29')).toBe(false);
    expect(isDateKey('2028-02-29')).toBe(true);
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(toDateKey('2026-11-26T10:00:00Z')).toBe('2026-11-26');
    expect(toDateKey(42)).toBe('');
  });
});
