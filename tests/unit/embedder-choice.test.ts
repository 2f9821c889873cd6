// Which embedding model serves, from the installed records and which of them still have files.
import { describe, expect, it } from 'vitest';
import {
  chooseEmbedder,
  embedderSignature,
  installedEmbedders,
} from '../../src/lib/search/embedder-choice';
import { evictedText } from '../../src/lib/search/memory-format';
import { modelKey, type InstalledModel, type ModelPin } from '../../src/lib/llm/types';
import { tinyBertSpec } from '../fixtures/tiny-bert';

function model(repo: string, patch: Partial<InstalledModel> = {}): InstalledModel {
  const spec = tinyBertSpec(repo);
  return {
    key: modelKey(spec),
    name: repo,
    spec,
    source: 'hub',
    sizeBytes: 10,
    installedAt: 1,
    complete: true,
    ...patch,
  };
}

const pin: ModelPin = {
  files: [{ path: 'config.json', sizeBytes: 2, sha256: 'ab' }],
  pinnedAt: 5,
  how: 'download',
};
const a = model('a');
const b = model('b', { installedAt: 2 });
const first = (models: InstalledModel[]) => models.find((m) => m.complete)?.key ?? null;

function choose(
  installed: InstalledModel[],
  present: InstalledModel[],
  chosen: string | null = null,
  saved: string | null = null,
) {
  return chooseEmbedder({
    installed,
    present: new Set(present.map((m) => m.key)),
    chosen,
    saved,
    preferred: first,
  });
}

describe('installedEmbedders', () => {
  it('keeps a finished install whose record was marked incomplete, and drops a partial download', () => {
    const evictedHub = model('h', { complete: false, pin });
    const evictedImport = model('i', { complete: false, source: 'import' });
    const partial = model('p', { complete: false });
    const keys = installedEmbedders([a, evictedHub, evictedImport, partial]).map((m) => m.name);
    expect(keys).toEqual(['a', 'h', 'i']);
  });
});

describe('chooseEmbedder', () => {
  it('names the evicted model the user chose instead of switching to another one', () => {
    expect(choose([a, b], [a], b.key)).toEqual({
      phase: 'evicted',
      target: b.key,
      evicted: { key: b.key, name: 'b', source: 'hub' },
    });
  });

  it('names the evicted default even when it was marked incomplete', () => {
    const gone = { ...a, complete: false, pin };
    expect(choose([gone], [])).toMatchObject({ phase: 'evicted', target: a.key });
  });

  it('serves the target when the complete older index lost its model', () => {
    expect(choose([a, b], [b], b.key, a.key)).toEqual({
      phase: 'load',
      target: b.key,
      serving: b.key,
    });
    expect(choose([a, b], [a, b], b.key, a.key)).toEqual({
      phase: 'load',
      target: b.key,
      serving: a.key,
    });
  });

  it('says no model when none was ever installed', () => {
    expect(choose([], [])).toEqual({ phase: 'no-model' });
  });
});

describe('embedderSignature', () => {
  it('changes when a model is installed again under its key, not when its size is updated', () => {
    const base = embedderSignature([a]);
    expect(embedderSignature([{ ...a, sizeBytes: 0 }])).toBe(base);
    expect(embedderSignature([{ ...a, installedAt: 9 }])).not.toBe(base);
    expect(embedderSignature([{ ...a, complete: false, pin }])).not.toBe(base);
  });
});

describe('evictedText', () => {
  it('names the model, the browser, and the way back, with no download of its own', () => {
    const text = evictedText({ key: a.key, name: 'BGE small', source: 'hub' });
    expect(text).toContain('“BGE small”');
    expect(text).toMatch(/browser removed/);
    expect(text).toMatch(/download it again or import it/);
    expect(text).toMatch(/will not download it on its own/);
    expect(evictedText({ key: a.key, name: 'x', source: 'import' })).toMatch(/import it again/);
  });
});
