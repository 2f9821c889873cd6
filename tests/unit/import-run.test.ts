import { beforeEach, describe, expect, it } from 'vitest';
import { zipSync, strToU8 } from 'fflate';
import { getDb } from '../../src/lib/db/db';
import { readLiveNotes } from '../../src/lib/db/import-repo';
import { clearAttachments, readLiveAttachments } from '../../src/lib/db/attachments-repo';
import { fileCandidates, zipCandidates } from '../../src/lib/vault/import-sources';
import { runImport } from '../../src/lib/vault/import-run';
import { forEachBounded } from '../../src/lib/vault/bounded-reads';
import { ImportControl, ImportCancelledError } from '../../src/lib/vault/import-control';
import type { ImportProgress } from '../../src/lib/types';
import { saveContent } from '../../src/lib/vault/notes';

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
  await clearAttachments();
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
    const stored = (await db.notes.where('path').equals('v/a.md').first())!;
    await saveContent(stored.id, '# A, edited in Hearth', stored.hash);

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
      source('h/.obsidian/workspace.json', '{}'),
      source('h/.trash/deleted.md', '# Deleted in Obsidian'),
      source('h/good.md', 'second copy'),
    ]);
    expect(report.added).toBe(1);
    expect(report.attachments.added).toBe(1);
    expect(report.skipped.map((s) => [s.path, s.reason])).toEqual([
      ['../../evil.md', 'unsafe-path'],
      ['h/.obsidian/workspace.json', 'hidden'],
      ['h/.trash/deleted.md', 'hidden'],
      ['h/good.md', 'duplicate-path'],
      ['h/huge.md', 'too-large'],
      ['h/image.md', 'binary'],
      ['h/latin1.md', 'invalid-utf8'],
    ]);
    expect((await readLiveNotes()).map((n) => [n.path, n.content])).toEqual([
      ['h/good.md', 'fine'],
    ]);
  });

  it('keeps every other file as an attachment, byte for byte, and re-imports by path and hash', async () => {
    const png = Uint8Array.from({ length: 2048 }, (_, i) => (i * 13) % 256);
    png.set([0x89, 0x50, 0x4e, 0x47]);
    const pdf = new TextEncoder().encode('%PDF-1.4\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n');
    const files = [
      source('v/note.md', '![[My photo.png]]'),
      source('v/assets/My photo.png', png),
      source('v/docs/Résumé.pdf', pdf),
      source('v/Makefile', 'all:\n'),
    ];
    const stored = async () => {
      const rows = await readLiveAttachments();
      return Promise.all(
        rows.map(async (a) => ({
          path: a.path,
          mime: a.mime,
          id: a.id,
          bytes: new Uint8Array(await (await db.attachmentBlobs.get(a.id))!.blob.arrayBuffer()),
        })),
      );
    };

    const first = await importSources(files);
    expect(first.report).toMatchObject({
      added: 1,
      attachments: { added: 3, updated: 0, unchanged: 0, bytes: png.length + pdf.length + 5 },
      skipped: [],
      total: 4,
    });
    const one = await stored();
    expect(one.map((a) => [a.path, a.mime])).toEqual([
      ['v/Makefile', 'application/octet-stream'],
      ['v/assets/My photo.png', 'image/png'],
      ['v/docs/Résumé.pdf', 'application/pdf'],
    ]);
    expect(one[1]!.bytes).toEqual(png);
    expect(one[2]!.bytes).toEqual(pdf);

    const again = await importSources(files);
    expect(again.report.attachments).toEqual({ added: 0, updated: 0, unchanged: 3, bytes: 0 });

    const newPng = png.map((b) => b ^ 0xff);
    const changed = await importSources([
      ...files.filter((f) => !f.path.endsWith('.png')),
      source('v/assets/My photo.png', newPng),
      source('v/assets/new.gif', 'GIF89a'),
    ]);
    expect(changed.report.attachments).toMatchObject({ added: 1, updated: 1, unchanged: 2 });
    const two = await stored();
    expect(two).toHaveLength(4);
    const photo = two.find((a) => a.path === 'v/assets/My photo.png')!;
    // Updated in place: same id, new bytes.
    expect(photo.id).toBe(one[1]!.id);
    expect(photo.bytes).toEqual(newPng);
  });

  it('still refuses a binary file that claims a note extension, and stores nothing of it', async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
    const { report } = await importSources([source('v/fake.md', png)]);
    expect(report.skipped).toEqual([{ path: 'v/fake.md', reason: 'binary', detail: 'PNG image' }]);
    expect(report.attachments.added).toBe(0);
    expect(await db.notes.count()).toBe(0);
    expect(await db.attachments.count()).toBe(0);
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

describe('forEachBounded', () => {
  it('keeps the declared bytes in flight within the budget, letting a larger item run alone', async () => {
    const sizes = [40, 30, 30, 100, 10, 10, 10, 60, 5];
    let inFlight = 0;
    let alone = true;
    const peaks: number[] = [];
    const seen: number[] = [];
    await forEachBounded(
      sizes.map((sizeBytes) => ({ sizeBytes })),
      async (item, index) => {
        inFlight += item.sizeBytes;
        if (item.sizeBytes > 64 && inFlight !== item.sizeBytes) alone = false;
        peaks.push(inFlight);
        await new Promise((resolve) => setTimeout(resolve, 5 * ((index % 3) + 1)));
        seen.push(index);
        inFlight -= item.sizeBytes;
      },
      { concurrency: 3, budgetBytes: 64 },
    );
    expect(seen.sort((a, b) => a - b)).toEqual(sizes.map((_, i) => i));
    expect(alone).toBe(true);
    expect(Math.max(...peaks.filter((p) => p <= 64))).toBeLessThanOrEqual(64);
    expect(peaks.filter((p) => p > 64)).toEqual([100]);
  });

  it('rejects with the first error and starts nothing after it', async () => {
    const started: number[] = [];
    const run = forEachBounded(
      [1, 2, 3, 4].map((sizeBytes) => ({ sizeBytes })),
      async (_item, index) => {
        started.push(index);
        await Promise.resolve();
        if (index === 0) throw new ImportCancelledError();
      },
      { concurrency: 1, budgetBytes: 10 },
    );
    await expect(run).rejects.toBeInstanceOf(ImportCancelledError);
    expect(started).toEqual([0]);
  });
});
