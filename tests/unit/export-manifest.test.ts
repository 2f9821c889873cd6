import { beforeEach, describe, expect, it } from 'vitest';
import { unzipSync, strFromU8 } from 'fflate';
import { getDb } from '../../src/lib/db/db';
import { readLiveNotes } from '../../src/lib/db/import-repo';
import { clearAttachments, readLiveAttachments } from '../../src/lib/db/attachments-repo';
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
  it('describes format 1 with the note and attachment counts and the time', () => {
    expect(buildManifest(3, 2, new Date(Date.UTC(2026, 10, 26, 8)))).toEqual({
      format: 1,
      app: 'Hearth',
      exportedAt: '2026-11-26T08:00:00.000Z',
      notes: 3,
      attachments: 2,
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
  /** Binary files, compressible or not, at paths with spaces and non-Latin names. */
  const binaries = [
    {
      path: 'assets/My photo.png',
      bytes: Uint8Array.from({ length: 4000 }, (_, i) => (i * 7919) % 251),
    },
    { path: 'deep/録音.mp3', bytes: Uint8Array.from({ length: 3000 }, (_, i) => (i * 31) % 256) },
    {
      path: 'drawing.svg',
      bytes: new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"/>'),
    },
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
  const storedBinaries = async () => {
    const out: { path: string; bytes: Uint8Array }[] = [];
    for (const a of await readLiveAttachments()) {
      const blob = (await db.attachmentBlobs.get(a.id))!.blob;
      out.push({ path: a.path, bytes: new Uint8Array(await blob.arrayBuffer()) });
    }
    return out;
  };
  const wipe = async () => {
    await db.notes.clear();
    await db.bodies.clear();
    await clearAttachments();
  };
  const expectClean = (report: ImportReport) =>
    expect(report).toMatchObject({
      added: seed.length,
      updated: 0,
      unchanged: 0,
      attachments: { added: binaries.length, updated: 0, unchanged: 0 },
      skipped: [],
    });
  const byPath = (a: { path: string }, b: { path: string }) => (a.path < b.path ? -1 : 1);

  let before: Awaited<ReturnType<typeof snapshot>>;
  let zipped: Blob;
  let entries: Record<string, Uint8Array>;

  beforeEach(async () => {
    await wipe();
    await vault.importFiles(
      {
        files: [
          ...seed.map((s) => file(s.path, s.content)),
          ...binaries.map((b) => file(b.path, b.bytes)),
        ],
      },
      ctx,
    );
    before = await snapshot();
    expect(await storedBinaries()).toEqual([...binaries].sort(byPath));
    zipped = await vault.exportZip({});
    entries = unzipSync(new Uint8Array(await zipped.arrayBuffer()));
    await wipe();
  });

  it('writes the manifest at the root of the zip, and every attachment at its path', () => {
    expect(Object.keys(entries).sort()).toEqual(
      [manifestName, ...seed.map((s) => s.path), ...binaries.map((b) => b.path)].sort(),
    );
    const manifest = JSON.parse(strFromU8(entries[manifestName]!)) as Record<string, unknown>;
    expect(manifest).toMatchObject({
      format: 1,
      app: 'Hearth',
      notes: seed.length,
      attachments: binaries.length,
    });
    expect(new Date(manifest.exportedAt as string).toISOString()).toBe(manifest.exportedAt);
    for (const b of binaries) expect(entries[b.path]).toEqual(b.bytes);
  });

  it('reproduces the vault from the zip, with no skips', async () => {
    const zip = new File([zipped], 'hearth-export-2026-11-26.zip');
    expectClean(await vault.importFiles({ files: [], zips: [zip] }, ctx));
    expect(await snapshot()).toEqual(before);
    expect(await storedBinaries()).toEqual([...binaries].sort(byPath));
  });

  it('reproduces the vault from the unzipped folder, whose paths start with its name', async () => {
    const folder = Object.entries(entries).map(([path, bytes]) =>
      file(`hearth-export-2026-11-26/${path}`, bytes as Uint8Array<ArrayBuffer>),
    );
    expectClean(await vault.importFiles({ files: folder }, ctx));
    expect(await snapshot()).toEqual(before);
    expect(await storedBinaries()).toEqual([...binaries].sort(byPath));
  });
});
