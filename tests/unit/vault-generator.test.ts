import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  generateVault,
  languageIds,
  sharedTerms,
  vaultQueries,
  writeVault,
} from '../fixtures/vault-generator';
import { KeywordIndex } from '../../src/lib/search/keyword-index';
import { deriveMeta } from '../../src/lib/vault/derive';

const digest = (notes: Iterable<{ path: string; content: string }>) => {
  const hash = createHash('sha256');
  for (const { path, content } of notes) hash.update(`${path}\0${content}\0`);
  return hash.digest('hex');
};

describe('generated multilingual vault', () => {
  const notes = [...generateVault({ notes: 400 })];

  it('is the same for the same seed, and another for another seed', () => {
    expect(digest(generateVault({ notes: 400 }))).toBe(digest(notes));
    expect(digest(generateVault({ notes: 400, seed: 1 }))).not.toBe(digest(notes));
    // A smaller vault is the start of the larger one.
    expect(digest(generateVault({ notes: 50 }))).toBe(digest(notes.slice(0, 50)));
  });

  it('has the real vault’s shape: ≥ 7 KB a note on average, many languages and scripts', () => {
    const bytes = notes.reduce((n, note) => n + Buffer.byteLength(note.content), 0);
    expect(bytes / notes.length).toBeGreaterThan(7_000);
    const languages = new Set(notes.map((n) => n.path.split('/')[0]));
    expect(languages.size).toBeGreaterThanOrEqual(25);
    expect(languageIds.length).toBeGreaterThanOrEqual(30);
    const text = notes.map((n) => n.content).join('\n');
    for (const script of [
      'Latin',
      'Cyrillic',
      'Greek',
      'Arabic',
      'Hebrew',
      'Devanagari',
      'Bengali',
      'Tamil',
      'Thai',
      'Han',
      'Hiragana',
      'Katakana',
      'Hangul',
      'Armenian',
      'Georgian',
    ]) {
      expect(new RegExp(`\\p{Script=${script}}`, 'u').test(text), script).toBe(true);
    }
    // Latin with diacritics, and the English terms every translation keeps.
    expect(text).toMatch(/[éèàçñãõłśżčřěůşğıăâîșțőű]/);
    for (const term of ['canvas', 'graph view']) expect(text).toContain(term);
    expect(sharedTerms).toContain('canvas');
  });

  it('writes Obsidian-style Markdown: frontmatter, headings, lists, tasks, callouts, links', () => {
    const text = notes.map((n) => n.content).join('\n');
    expect(text).toMatch(/^---\naliases:\n {2}- .+\ntags: \[.+\]/m);
    expect(text).toMatch(/^## \S/m);
    expect(text).toMatch(/^- \[ \] \S/m);
    expect(text).toMatch(/^\d+\. \S/m);
    expect(text).toMatch(/^> \[!(note|tip|warning|info|example)\] \S/m);
    expect(text).toMatch(/\[\[[^\]|]+(\|[^\]]+)?\]\]/);
    expect(text).toMatch(/!\[\[[^\]]+\.png\]\]/);
    expect(new Set(notes.map((n) => n.path)).size).toBe(notes.length);
    for (const { path, content } of notes.slice(0, 50)) {
      expect(deriveMeta(path, content, '2024-01-01').kind).toBe('note');
    }
  });

  it('has a large vocabulary, and its queries find notes', () => {
    const index = KeywordIndex.create();
    index.upsert(
      notes.map(({ path, content }, i) => ({
        id: `n${i}`,
        path,
        content,
        ...deriveMeta(path, content, '2024-01-01'),
      })),
    );
    const queries = vaultQueries({}, 100);
    expect(new Set(queries.map((q) => q.lang)).size).toBeGreaterThan(15);
    const found = queries.filter((q) => index.find(q.q, {}, 1).total > 0);
    expect(found.length).toBeGreaterThan(70);
  });

  it('writes the same notes to a folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hearth-gen-'));
    try {
      const stats = writeVault(dir, { notes: 60 });
      expect(stats.notes).toBe(60);
      const files = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) =>
        e.isFile(),
      );
      expect(files).toHaveLength(60);
      const first = notes[0]!;
      expect(readFileSync(join(dir, first.path), 'utf8')).toBe(first.content);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
