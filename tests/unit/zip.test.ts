import { describe, expect, it } from 'vitest';
import { Zip, ZipPassThrough, zipSync, strToU8 } from 'fflate';
import { readZip, writeZip, ZipTooLargeError, ZipUnreadableError } from '../../src/lib/vault/zip';
import { hasNoteExtension } from '../../src/lib/vault/paths';
import { maxZipBytes, maxZipTextBytes, zipCandidates } from '../../src/lib/vault/import-sources';
import { runImport } from '../../src/lib/vault/import-run';

const limits = { maxEntryBytes: 1024, maxTotalBytes: 10_000 };
const text = (bytes: Uint8Array | null) => (bytes ? new TextDecoder().decode(bytes) : null);

describe('writeZip / readZip', () => {
  it('round-trips paths and exact UTF-8 text, folders and CJK names included', () => {
    const sources = [
      { path: 'notes/日本語.md', content: '---\ntags: [a]\n---\n\n# 見出し\r\n' },
      { path: 'journal/2024-05-01.md', content: 'day', modifiedAt: Date.UTC(2024, 4, 1) },
      { path: 'empty.txt', content: '' },
    ];
    const entries = readZip(writeZip(sources), limits);
    expect(entries.map((e) => [e.path, text(e.bytes)])).toEqual(
      sources.map((s) => [s.path, s.content]),
    );
  });

  it('does not inflate entries declared larger than the limit', () => {
    const zip = zipSync({ 'big.md': strToU8('x'.repeat(5000)), 'small.md': strToU8('ok') });
    const entries = readZip(zip, limits);
    expect(entries.find((e) => e.path === 'big.md')).toMatchObject({
      sizeBytes: 5000,
      bytes: null,
    });
    expect(text(entries.find((e) => e.path === 'small.md')!.bytes)).toBe('ok');
  });

  it('never inflates past the declared size, even when a header lies', () => {
    const zip = zipSync({ 'bomb.md': strToU8('y'.repeat(100_000)) });
    // Rewrite the central directory's uncompressed size (offset 24 in the entry) to 10 bytes.
    const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
    let central = zip.length - 22;
    while (view.getUint32(central, true) !== 0x02014b50) central--;
    view.setUint32(central + 24, 10, true);
    const entries = readZip(zip, limits);
    expect(entries[0]!.bytes!.length).toBeLessThanOrEqual(10);
  });

  it('refuses a zip that unpacks to more than the total limit', () => {
    const files = Object.fromEntries(
      Array.from({ length: 20 }, (_, i) => [`n${i}.md`, strToU8('z'.repeat(1000))]),
    );
    expect(() => readZip(zipSync(files), limits)).toThrow(ZipTooLargeError);
  });

  it('ignores folder entries', () => {
    const zip = zipSync({ 'dir/': new Uint8Array(), 'dir/a.md': strToU8('a') });
    expect(readZip(zip, limits).map((e) => e.path)).toEqual(['dir/a.md']);
  });

  it('marks a repeated name as a duplicate and keeps the first', () => {
    const chunks: Uint8Array[] = [];
    const zip = new Zip((error, chunk) => {
      if (error) throw error;
      chunks.push(chunk);
    });
    for (const content of ['first', 'second']) {
      const entry = new ZipPassThrough('a.md');
      zip.add(entry);
      entry.push(strToU8(content), true);
    }
    zip.end();
    const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    chunks.reduce((offset, c) => (bytes.set(c, offset), offset + c.length), 0);
    const entries = readZip(bytes, limits);
    expect(entries.map((e) => [e.path, e.duplicate, text(e.bytes)])).toEqual([
      ['a.md', false, 'first'],
      ['a.md', true, null],
    ]);
  });

  it('turns a file that is not a zip into a named error', () => {
    expect(() => readZip(strToU8('not a zip at all, just text'), limits)).toThrow(
      ZipUnreadableError,
    );
  });

  it('lists entries the caller does not want without inflating them or counting their size', () => {
    const files: Record<string, Uint8Array> = { 'a.md': strToU8('a') };
    for (let i = 0; i < 20; i++) files[`img/${i}.png`] = strToU8('p'.repeat(1000));
    const entries = readZip(zipSync(files), { ...limits, wanted: hasNoteExtension });
    expect(entries).toHaveLength(21);
    expect(text(entries.find((e) => e.path === 'a.md')!.bytes)).toBe('a');
    for (const entry of entries.filter((e) => e.path.endsWith('.png'))) {
      expect(entry).toMatchObject({ sizeBytes: 1000, bytes: null, duplicate: false });
    }
  });
});

describe('zipCandidates', () => {
  it('has limits a browser worker can hold', () => {
    expect(maxZipBytes).toBe(512 * 2 ** 20);
    expect(maxZipTextBytes).toBe(256 * 2 ** 20);
  });

  it('keeps non-notes as candidates with their size but never inflates them', async () => {
    const zip = zipSync({
      'n/a.md': strToU8('# A'),
      'n/photo.jpg': strToU8('j'.repeat(300)),
      'hearth-export.json': strToU8('{}'),
    });
    const { candidates, skips } = await zipCandidates(new File([zip], 'vault.zip'));
    expect(skips).toEqual([]);
    expect(candidates.map((c) => [c.path, c.sizeBytes])).toEqual([
      ['n/a.md', 3],
      ['n/photo.jpg', 300],
      ['hearth-export.json', 2],
    ]);
    expect(text(await candidates[0]!.read())).toBe('# A');
    await expect(candidates[1]!.read()).rejects.toThrow('not inflated');
    await expect(candidates[2]!.read()).rejects.toThrow('not inflated');
  });

  it('has the import report non-notes as unsupported, as it does files in a folder', async () => {
    const zip = zipSync({ 'z/keep.md': strToU8('keep'), 'z/photo.jpg': strToU8('jpeg') });
    const { candidates, skips } = await zipCandidates(new File([zip], 'z.zip'));
    const report = await runImport(candidates, skips, () => {});
    expect(report).toMatchObject({ added: 1, total: 2 });
    expect(report.skipped).toEqual([
      { path: 'z/photo.jpg', reason: 'unsupported-type', detail: 'Only notes are imported.' },
    ]);
  });

  it('reports a repeated note as a duplicate, but not a repeated non-note', async () => {
    const chunks: Uint8Array[] = [];
    const zip = new Zip((error, chunk) => {
      if (error) throw error;
      chunks.push(chunk);
    });
    for (const name of ['a.md', 'a.md', 'b.png', 'b.png']) {
      const entry = new ZipPassThrough(name);
      zip.add(entry);
      entry.push(strToU8(name), true);
    }
    zip.end();
    const { candidates, skips } = await zipCandidates(
      new File(chunks as Uint8Array<ArrayBuffer>[], 'r.zip'),
    );
    expect(candidates.map((c) => c.path)).toEqual(['a.md', 'b.png', 'b.png']);
    expect(skips).toEqual([
      { path: 'a.md', reason: 'duplicate-path', detail: 'Repeated inside r.zip.' },
    ]);
  });

  it('refuses a zip over the limit without reading it, saying what the limit is', async () => {
    const huge = { name: 'huge.zip', size: 600 * 2 ** 20 } as File;
    expect(await zipCandidates(huge)).toEqual({
      candidates: [],
      skips: [
        {
          path: 'huge.zip',
          reason: 'too-large',
          detail: '600.0 MB; zips up to 512 MB can be imported.',
        },
      ],
    });
  });

  it('says how much note text a zip may unpack to', () => {
    const files = Object.fromEntries(
      Array.from({ length: 3 }, (_, i) => [`n${i}.md`, new Uint8Array(2 ** 20).fill(0x7a)]),
    );
    const mb = 2 ** 20;
    expect(() => readZip(zipSync(files), { maxEntryBytes: mb, maxTotalBytes: 2 * mb })).toThrow(
      'This zip unpacks to more than 2 MB of note text.',
    );
  });
});
