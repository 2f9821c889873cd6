// Imports run one way: views → state → domains (vault, search, llm, storage) → db → shared types.
// A storage module importing a domain, or a domain importing state, brings back an import cycle.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const lib = path.resolve(import.meta.dirname, '../../src/lib');

function importsOf(folder: string): { file: string; target: string }[] {
  const dir = path.join(lib, folder);
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => /\.(ts|svelte)$/.test(name))
    .flatMap((name) => {
      const source = readFileSync(path.join(dir, name), 'utf8');
      return [...source.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+'([^']+)'/gm)].map((m) => ({
        file: `${folder}/${name}`,
        target: path.relative(lib, path.resolve(path.dirname(path.join(dir, name)), m[1]!)),
      }));
    });
}

const floorOf = (target: string): string => target.split(path.sep)[0] ?? '';

describe('import layers', () => {
  it('db imports no domain and no state', () => {
    const upward = importsOf('db').filter((i) =>
      ['vault', 'search', 'storage', 'markdown', 'state', 'rpc'].includes(floorOf(i.target)),
    );
    expect(upward).toEqual([]);
  });

  it('vault and storage import no state', () => {
    const upward = [...importsOf('vault'), ...importsOf('storage')].filter(
      (i) => floorOf(i.target) === 'state',
    );
    expect(upward).toEqual([]);
  });
});
