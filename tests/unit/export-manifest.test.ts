import { beforeEach, describe, expect, it } from 'vitest';
import { unzipSync, strFromU8 } from 'fflate';
import { getDb } from '../../src/lib/db/db';
import { readLiveNotes } from '../../src/lib/db/import-repo';
import {
  buildManifest,
  manifestName,
  unwrapExportRoots,
} from '../../src/lib/vault/export-manifest';
import { createVaultHandlers } from '../../src/lib/vault/vault-handlers';
import type { ImportProgress, ImportReport } from '../../src/lib/types';
import type { HandlerContext } from '../../src/lib/rpc/protocol';

const paths = (list: string[]) =>
  unwrapExportRoots(list.map((path) => ({ path }))).map((c) => c.path);

describe('buildManifest', () => {
  it('describes format 1 with the note count and time', () => {
    expect(buildManifest(3, new Date(Date.UTC(2026, 10, 26, 8)))).toEqual({
      format: 1,
      app: 'Hearth',
      exportedAt: '2026-11-26T08:00:00.000Z',
      notes: 3,
    });
  });
});

describe('unwrapExportRoots', () => {
  it('leaves a list without a manifest as it is', () => {
    expect(paths(['v/a.md', 'v/b/c.md', 'd.md'])).toEqual(['v/a.md', 'v/b/c.md', 'd.md']);
  });

  it('drops a manifest at the root and keeps the paths', () => {
    expect(paths(['a.md', manifestName, 'journal/2026-11-26.md'])).toEqual([
      'a.md',
      'journal/2026-11-26.md',
    ]);
  });

  it('drops a manifest one folder deep and strips that folder from the paths under it', () => {
    const root = 'hearth-export-2026-11-26';
    expect(
      paths([
        `${root}/a.md`,
        `${root}/${manifestName}`,
        `${root}/journal/2026-11-26.md`,
        `${root}/notes/photo.png`,
        'other/b.md',
        `${root}-old/c.md`,
      ]),
    ).toEqual([
      'a.md',
      'journal/2026-11-26.md',
      'notes/photo.png',
      'other/b.md',
      `${root}-old/c.md`,
    ]);
  });

  it('ignores a manifest deeper than one folder, and a note that merely ends with its name', () => {
    const list = [`a/b/${manifestName}`, 'a/b/c.md', `a/x-${manifestName}`, 'a/d.md'];
    expect(paths(list)).toEqual(list);
  });

  it('keeps everything else about each item', () => {
    const read = () => Promise.resolve(new Uint8Array());
    expect(
      unwrapExportRoots([
        { path: `e/${manifestName}`, sizeBytes: 2, read },
        { path: 'e/a.md', sizeBytes: 5, read },
      ]),
    ).toEqual([{ path: 'a.md', sizeBytes: 5, read }]);
  });
});

describe('export, then import in the vault worker', () => {
  const db = getDb();
  const ctx: HandlerContext<{ progress: ImportProgress }> = { emit: () => {}, transfer: () => {} };
  const vault = createVaultHandlers();
  const seed = [
    { path: 'a.md', content: '---\ntitle: A\ntags: [x]\n---\n\n# A\n' },
    { path: 'journal/2026-11-26.md', content: '---\nkind: journal\ndate: 2026-11-26\n---\n' },
    { path: 'deep/er/c.txt', content: '\uFEFFc\r\n' },
  ];
  const file = (path: string, body: BlobPart) => ({
    path,
    file: new File([body], path.split('/').pop()!),
  });
  const snapshot = async () =>
    (await readLiveNotes())
      .map(({ path, content, hash, title, tags, kind }) => ({
        path,
        content,
        hash,
        title,
        tags,
        kind,
      }))
      .sort((a, b) => (a.path < b.path ? -1 : 1));
  const wipe = async () => {
    await db.notes.clear();
    await db.bodies.clear();
  };
  const expectClean = (report: ImportReport) =>
    expect(report).toMatchObject({ added: seed.length, updated: 0, unchanged: 0, skipped: [] });

  let before: Awaited<ReturnType<typeof snapshot>>;
  let zipped: Uint8Array;
  let entries: Record<string, Uint8Array>;

  beforeEach(async () => {
    await wipe();
    await vault.importFiles({ files: seed.map((s) => file(s.path, s.content)) }, ctx);
    before = await snapshot();
    zipped = await vault.exportZip({}, ctx);
    entries = unzipSync(zipped);
    await wipe();
  });

  it('writes the manifest at the root of the zip', () => {
    expect(Object.keys(entries).sort()).toEqual([manifestName, ...seed.map((s) => s.path)].sort());
    const manifest = JSON.parse(strFromU8(entries[manifestName]!)) as Record<string, unknown>;
    expect(manifest).toMatchObject({ format: 1, app: 'Hearth', notes: seed.length });
    expect(new Date(manifest.exportedAt as string).toISOString()).toBe(manifest.exportedAt);
  });

  it('reproduces the vault from the zip, with no skips', async () => {
    const zip = new File([zipped as Uint8Array<ArrayBuffer>], 'hearth-export-2026-11-26.zip');
    expectClean(await vault.importFiles({ files: [], zips: [zip] }, ctx));
    expect(await snapshot()).toEqual(before);
  });

  it('reproduces the vault from the unzipped folder, whose paths start with its name', async () => {
    const folder = Object.entries(entries).map(([path, bytes]) =>
      file(`hearth-export-2026-11-26/${path}`, bytes as Uint8Array<ArrayBuffer>),
    );
    expectClean(await vault.importFiles({ files: folder }, ctx));
    expect(await snapshot()).toEqual(before);
  });
});
