import { beforeEach, describe, expect, it } from 'vitest';
import { zipSync, strToU8 } from 'fflate';
import { getDb } from '../../src/lib/db/db';
import { readLiveNotes } from '../../src/lib/db/import-repo';
import { fileCandidates, zipCandidates } from '../../src/lib/vault/import-sources';
import { runImport } from '../../src/lib/vault/import-run';
import { ImportControl, ImportCancelledError } from '../../src/lib/vault/import-control';
import type { ImportProgress } from '../../src/lib/types';
import { saveContent } from '../../src/lib/db/notes-repo';

const db = getDb();
const source = (path: string, body: BlobPart) => ({
  path,
  file: new File([body], path.split('/').pop()!),
});

async function importSources(sources: ReturnType<typeof source>[]) {
  const events: ImportProgress[] = [];
  const report = await runImport(fileCandidates(sources), [], (p) => events.push(p));
  return { report, events };
}

beforeEach(async () => {
  await db.notes.clear();
  await db.bodies.clear();
});

describe('runImport', () => {
  it('stops at the next checkpoint when cancelled before saving, and writes nothing', async () => {
    const control = new ImportControl();
    const files = [source('v/a.md', '# A'), source('v/b.md', '# B')];
    const running = runImport(fileCandidates(files), [], () => control.cancel(), control);
    await expect(running).rejects.toBeInstanceOf(ImportCancelledError);
    expect(await db.notes.count()).toBe(0);
  });

  it('answers too-late once saving has begun, and the import completes', async () => {
    const control = new ImportControl();
    const answers: string[] = [];
    const report = await runImport(
      fileCandidates([source('v/a.md', '# A')]),
      [],
      (p) => {
        if (p.phase === 'saving') answers.push(control.cancel());
      },
      control,
    );
    expect(answers[0]).toBe('too-late');
    expect(report.added).toBe(1);
  });

  it('never overwrites an edit made in Hearth: unchanged files keep it, changed ones conflict', async () => {
    await importSources([source('v/a.md', '# A')]);
    const id = (await db.notes.where('path').equals('v/a.md').first())!.id;
    await saveContent(id, '# A, edited in Hearth');

    const again = await importSources([source('v/a.md', '# A')]);
    expect(again.report).toMatchObject({ added: 0, updated: 0, unchanged: 1, skipped: [] });
    const changed = await importSources([source('v/a.md', '# A, changed in the folder')]);
    expect(changed.report).toMatchObject({ updated: 0, unchanged: 0 });
    expect(changed.report.skipped).toEqual([
      expect.objectContaining({ path: 'v/a.md', reason: 'conflict' }),
    ]);
    expect((await readLiveNotes())[0]?.content).toBe('# A, edited in Hearth');
  });

  it('imports, then re-imports without duplicating, then updates a changed file', async () => {
    const files = [source('v/a.md', '# A'), source('v/b/c.txt', 'c'), source('v/d.markdown', 'd')];
    const first = await importSources(files);
    expect(first.report).toMatchObject({
      added: 3,
      updated: 0,
      unchanged: 0,
      skipped: [],
      total: 3,
    });
    expect(first.events.at(-1)).toEqual({ phase: 'done', done: 3, total: 3 });

    const again = await importSources(files);
    expect(again.report).toMatchObject({ added: 0, updated: 0, unchanged: 3 });

    const changed = await importSources([source('v/a.md', '# A2'), ...files.slice(1)]);
    expect(changed.report).toMatchObject({ added: 0, updated: 1, unchanged: 2 });
    expect(await db.notes.count()).toBe(3);
    expect((await readLiveNotes()).find((n) => n.path === 'v/a.md')?.content).toBe('# A2');
  });

  it('skips hostile files with a reason each and imports the good one', async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]);
    const { report } = await importSources([
      source('h/good.md', 'fine'),
      source('h/image.md', png),
      source('h/latin1.md', new Uint8Array([0x63, 0x61, 0x66, 0xe9])),
      source('h/huge.md', new Uint8Array(6 * 1024 * 1024).fill(0x61)),
      source('../../evil.md', 'evil'),
      source('h/photo.jpg', 'x'),
      source('h/good.md', 'second copy'),
    ]);
    expect(report.added).toBe(1);
    expect(report.skipped.map((s) => [s.path, s.reason])).toEqual([
      ['../../evil.md', 'unsafe-path'],
      ['h/good.md', 'duplicate-path'],
      ['h/huge.md', 'too-large'],
      ['h/image.md', 'binary'],
      ['h/latin1.md', 'invalid-utf8'],
      ['h/photo.jpg', 'unsupported-type'],
    ]);
    expect((await readLiveNotes()).map((n) => [n.path, n.content])).toEqual([
      ['h/good.md', 'fine'],
    ]);
  });

  it('imports a zip with entry names as paths and skips an unsafe entry', async () => {
    const zip = zipSync({ 'z/one.md': strToU8('one'), '../../evil.md': strToU8('evil') });
    const unpacked = await zipCandidates(new File([zip], 'notes.zip'));
    const report = await runImport(unpacked.candidates, unpacked.skips, () => {});
    expect(report).toMatchObject({ added: 1, total: 2 });
    expect(report.skipped).toEqual([
      expect.objectContaining({ path: '../../evil.md', reason: 'unsafe-path' }),
    ]);
  });

  it('lists a file that is not a zip as unreadable', async () => {
    const unpacked = await zipCandidates(new File(['plain text'], 'fake.zip'));
    expect(unpacked.skips).toEqual([
      expect.objectContaining({ path: 'fake.zip', reason: 'unreadable' }),
    ]);
  });
});
