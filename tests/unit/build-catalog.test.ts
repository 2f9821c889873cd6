// The catalog the Models view lists is made at build time and shipped as JSON (vite.config.ts):
// it must survive that trip unchanged, hold both engines, and name each model once.
import { describe, expect, it } from 'vitest';
import { buildCatalog } from '../../src/lib/llm/build-catalog';

describe('buildCatalog', () => {
  const catalog = buildCatalog();

  it('round-trips through JSON with nothing lost or changed', () => {
    expect(JSON.parse(JSON.stringify(catalog))).toStrictEqual(catalog);
  });

  it('lists each engine’s models under that engine, each key once', () => {
    for (const [engine, entries] of Object.entries(catalog)) {
      expect(entries.length).toBeGreaterThan(0);
      expect(entries.every((e) => e.spec.engine === engine)).toBe(true);
    }
    const keys = Object.values(catalog).flatMap((entries) => entries.map((e) => e.key));
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('includes chat and embedding models of transformers.js', () => {
    const tasks = new Set(catalog.transformers.flatMap((e) => e.strengths));
    expect(tasks.has('chat')).toBe(true);
    expect(
      catalog.transformers.some((e) => e.spec.engine === 'transformers' && e.spec.embedding),
    ).toBe(true);
  });
});
