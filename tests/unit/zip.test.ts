import { beforeEach, describe, expect, it, vi } from 'vitest';
import { Zip, ZipPassThrough, unzipSync, zipSync, strToU8 } from 'fflate';
import {
  maxZipEntries,
  readZip,
  ZipEntryError,
  ZipTooManyEntriesError,
  ZipUnreadableError,
} from '../../src/lib/vault/zip';
import { readZipBlob } from '../../src/lib/vault/zip-slices';
import { ZipBlobWriter } from '../../src/lib/vault/zip-writer';
import { crc32 } from '../../src/lib/vault/crc32';
import {
  maxZipBytes,
  maxZipUnpackedBytes,
  zipCandidates,
} from '../../src/lib/vault/import-sources';
import { runImport } from '../../src/lib/vault/import-run';
import { getDb } from '../../src/lib/db/db';
import { readLiveNotes } from '../../src/lib/db/import-repo';
import { clearAttachments, readLiveAttachments } from '../../src/lib/db/attachments-repo';
import { forgeZip, type ForgeEntry } from './zip-forge';

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const utf8 = (s: string) => new TextEncoder().encode(s);
/** Deterministic incompressible-ish bytes. */
function noise(length: number, seed = 1): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

function streamed(files: [string, Uint8Array][]): Uint8Array {
  const chunks: Uint8Array[] = [];
  const zip = new Zip((error, chunk) => {
    if (error) throw error;
    chunks.push(chunk);
  });
  for (const [name, bytes] of files) {
    const entry = new ZipPassThrough(name);
    zip.add(entry);
    entry.push(bytes, true);
  }
  zip.end();
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  chunks.reduce((at, c) => (out.set(c, at), at + c.length), 0);
  return out;
}

describe('crc32', () => {
  it('gives the standard check value, in one part or several', () => {
    expect(crc32(utf8('123456789'))).toBe(0xcbf43926);
    expect(crc32(utf8('6789'), crc32(utf8('12345')))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array())).toBe(0);
  });
});

describe('readZip', () => {
  it('lists entries without unpacking them, and reads each exactly on demand', () => {
    const files = {
      'notes/日本語.md': utf8('---\ntags: [a]\n---\n\n# 見出し\r\n'),
      'img/photo.png': noise(3000),
      'empty.txt': new Uint8Array(),
      'dir/': new Uint8Array(),
    };
    const entries = readZip(zipSync(files));
    expect(entries.map((e) => [e.path, e.sizeBytes, e.duplicate])).toEqual([
      ['notes/日本語.md', files['notes/日本語.md'].length, false],
      ['img/photo.png', 3000, false],
      ['empty.txt', 0, false],
    ]);
    expect(text(entries[0]!.read())).toBe('---\ntags: [a]\n---\n\n# 見出し\r\n');
    expect(entries[1]!.read()).toEqual(files['img/photo.png']);
    expect(entries[2]!.read()).toEqual(new Uint8Array());
  });

  it('reads entries written with data descriptors (streaming zips) and zip64 records', () => {
    const stream = readZip(streamed([['a.md', utf8('streamed')]]));
    expect(text(stream[0]!.read())).toBe('streamed');
    const z64 = readZip(
      forgeZip([{ name: 'big/one.bin', data: noise(500), zip64: true }], { zip64End: true }),
    );
    expect(z64.map((e) => [e.path, e.sizeBytes])).toEqual([['big/one.bin', 500]]);
    expect(z64[0]!.read()).toEqual(noise(500));
  });

  it('marks a repeated name as a duplicate', () => {
    const entries = readZip(
      streamed([
        ['a.md', utf8('first')],
        ['a.md', utf8('second')],
      ]),
    );
    expect(entries.map((e) => [e.path, e.duplicate])).toEqual([
      ['a.md', false],
      ['a.md', true],
    ]);
    expect(text(entries[0]!.read())).toBe('first');
  });

  it('leaves out folders written with a backslash, and compares names as they will be stored', () => {
    const entries = readZip(
      forgeZip([
        { name: 'notes\\', data: new Uint8Array(), method: 0 },
        { name: 'notes\\a.md', data: utf8('first') },
        { name: 'notes/a.md', data: utf8('second') },
        { name: 'notes/b.md', data: utf8('b') },
      ]),
    );
    expect(entries.map((e) => [e.path, e.duplicate])).toEqual([
      ['notes\\a.md', false],
      ['notes/a.md', true],
      ['notes/b.md', false],
    ]);
  });

  it('turns a file that is not a zip, or one cut short, into a named error', () => {
    expect(() => readZip(strToU8('not a zip at all, just text'))).toThrow(ZipUnreadableError);
    const whole = zipSync({ 'a.md': utf8('a'.repeat(100)) });
    expect(() => readZip(whole.subarray(0, whole.length - 30))).toThrow(ZipUnreadableError);
  });

  it('decodes names not flagged UTF-8 as UTF-8 when they are, else as code page 437', () => {
    const entries = readZip(
      forgeZip([
        { name: 'ok.md', data: utf8('x') },
        { name: 'caf\u00e9.md', data: utf8('y') },
      ]),
    );
    expect(entries.map((e) => e.path)).toEqual(['ok.md', 'café.md']);
  });
});

describe('the zip entry cap', () => {
  it(`is ${maxZipEntries.toLocaleString('en')} entries`, () => {
    expect(maxZipEntries).toBe(100_000);
  });

  it('refuses a zip with more entries than the cap, with a clear error', () => {
    const files = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`n${i}.md`, utf8('x')]));
    expect(() => readZip(zipSync(files), 10)).toThrow(ZipTooManyEntriesError);
    expect(() => readZip(zipSync(files), 10)).toThrow(
      'This zip holds 12 entries; Hearth imports zips of up to 10.',
    );
    expect(readZip(zipSync(files), 12)).toHaveLength(12);
  });

  it('refuses on the declared count alone, before reading any entry', () => {
    // Declares 200,000 entries but holds one: the count is refused before the directory is read.
    const zip = forgeZip([{ name: 'a.md', data: utf8('a') }], {
      declaredCount: 200_000,
      zip64End: true,
    });
    expect(() => readZip(zip)).toThrow('This zip holds 200,000 entries');
  });
});

describe('zip integrity: a damaged entry is refused with a reason, the others still read', () => {
  const good: ForgeEntry = { name: 'good.md', data: utf8('# Good\n\nStill here.\n') };
  const body = utf8('# Forged\n\n' + 'All of this text must arrive, or none of it.\n'.repeat(40));

  const cases: [string, ForgeEntry, RegExp][] = [
    [
      'a flipped CRC (both headers)',
      { name: 'f.md', data: body, crc: crc32(body) ^ 1 },
      /checksum \(CRC-32\) does not match/,
    ],
    [
      'a CRC flipped in one header',
      { name: 'f.md', data: body, localCrc: crc32(body) ^ 0x100 },
      /disagree on its checksum/,
    ],
    [
      'a shrunk size in the central directory',
      { name: 'f.md', data: body, size: 10, localSize: body.length },
      /disagree on its size \(\d+ and 10 bytes\)/,
    ],
    [
      'a grown size in the local header',
      { name: 'f.md', data: body, localSize: body.length + 5 },
      /disagree on its size/,
    ],
    [
      'a size shrunk in both headers',
      { name: 'f.md', data: body, size: 10, localSize: 10 },
      /unpacks to more than its declared 10 bytes/,
    ],
    [
      'a size grown in both headers',
      { name: 'f.md', data: body, size: body.length + 7, localSize: body.length + 7 },
      new RegExp(`unpacks to ${body.length} bytes, not its declared ${body.length + 7}`),
    ],
    [
      'truncated compressed data',
      { name: 'f.md', data: body, dropDataBytes: 6 },
      /compressed data is damaged \(unexpected EOF\)/,
    ],
    [
      'a stored entry with a changed byte',
      {
        name: 'f.md',
        data: body,
        method: 0,
        crc: crc32(body.map((b, i) => (i === 20 ? b ^ 0x20 : b))),
      },
      /checksum \(CRC-32\) does not match/,
    ],
    [
      'a stored entry whose sizes differ',
      { name: 'f.md', data: body, method: 0, compressedSize: body.length - 1 },
      /sizes differ/,
    ],
    [
      'a data descriptor with another CRC',
      { name: 'f.md', data: body, descriptor: { crc: 7 } },
      /data descriptor disagrees/,
    ],
    ['an encrypted entry', { name: 'f.md', data: body, flags: 1 }, /encrypted/],
    [
      'an unknown compression method',
      { name: 'f.md', data: body, method: 12 },
      /compression method 12/,
    ],
  ];

  it.each(cases)('%s', (_label, forged, reason) => {
    const entries = readZip(forgeZip([good, forged, { ...good, name: 'after.md' }]));
    expect(text(entries[0]!.read())).toBe(text(good.data));
    expect(text(entries[2]!.read())).toBe(text(good.data));
    expect(() => entries[1]!.read()).toThrow(ZipEntryError);
    expect(() => entries[1]!.read()).toThrow(reason);
  });

  it.each(cases)('%s, read back from a Blob', async (_label, forged, reason) => {
    const entries = await readZipBlob(
      new Blob([forgeZip([good, forged, { ...good, name: 'after.md' }])]),
    );
    expect(text(await entries[0]!.read())).toBe(text(good.data));
    expect(text(await entries[2]!.read())).toBe(text(good.data));
    await expect(entries[1]!.read()).rejects.toThrow(ZipEntryError);
    await expect(entries[1]!.read()).rejects.toThrow(reason);
  });

  it('refuses data that runs past the end of the archive, from bytes or a Blob', async () => {
    const zip = forgeZip([
      good,
      { name: 'f.bin', data: noise(2000), method: 0, size: 50_000, compressedSize: 50_000 },
    ]);
    const entries = await readZipBlob(new Blob([zip]));
    await expect(entries[1]!.read()).rejects.toThrow('its data is cut off (the zip is truncated)');
    expect(await entries[0]!.read()).toEqual(good.data);
  });

  it('refuses data that runs past the end of the archive', () => {
    const zip = forgeZip([
      good,
      { name: 'f.bin', data: noise(2000), method: 0, size: 50_000, compressedSize: 50_000 },
    ]);
    const entries = readZip(zip);
    expect(() => entries[1]!.read()).toThrow('its data is cut off (the zip is truncated)');
    expect(entries[0]!.read()).toEqual(good.data);
  });

  it('stops inflating a bomb as soon as it outgrows its declared size', () => {
    const bomb = new Uint8Array(50 * 1024 * 1024); // 50 MB of zeros deflate to ~50 KB
    const entries = readZip(
      forgeZip([{ name: 'bomb.md', data: bomb, size: 1000, localSize: 1000 }]),
    );
    expect(() => entries[0]!.read()).toThrow('it unpacks to more than its declared 1000 bytes');
  });
});

describe('ZipBlobWriter', () => {
  it('writes notes and binary attachments that any zip reader, and ours, reads back exactly', async () => {
    const writer = new ZipBlobWriter();
    const png = noise(70_000, 7);
    await writer.add('notes/日本語.md', utf8('# 見出し\r\n'), { compress: true, modifiedAt: 0 });
    await writer.add('assets/My photo.png', png, {
      compress: false,
      modifiedAt: Date.UTC(2024, 1, 2),
    });
    await writer.add('empty.txt', new Uint8Array(), { compress: true });
    const blob = writer.finish();
    expect(blob.type).toBe('application/zip');
    const bytes = new Uint8Array(await blob.arrayBuffer());
    const theirs = unzipSync(bytes);
    expect(text(theirs['notes/日本語.md']!)).toBe('# 見出し\r\n');
    expect(theirs['assets/My photo.png']).toEqual(png);
    const ours = readZip(bytes);
    expect(ours.map((e) => e.path)).toEqual([
      'notes/日本語.md',
      'assets/My photo.png',
      'empty.txt',
    ]);
    expect(ours[1]!.read()).toEqual(png);
  });
});

describe('zipCandidates', () => {
  const db = getDb();
  beforeEach(async () => {
    await db.notes.clear();
    await db.bodies.clear();
    await clearAttachments();
  });

  it('has limits a browser worker can hold', () => {
    expect(maxZipBytes).toBe(512 * 2 ** 20);
    expect(maxZipUnpackedBytes).toBe(2 ** 30);
  });

  it('makes every entry a candidate, unpacked only when read', async () => {
    const zip = zipSync({
      'n/a.md': utf8('# A'),
      'n/photo.jpg': noise(300),
      'hearth-export.json': utf8('{}'),
    });
    const { candidates, skips } = await zipCandidates(new File([zip], 'vault.zip'));
    expect(skips).toEqual([]);
    expect(candidates.map((c) => [c.path, c.sizeBytes])).toEqual([
      ['n/a.md', 3],
      ['n/photo.jpg', 300],
      ['hearth-export.json', 2],
    ]);
    expect(text(await candidates[0]!.read())).toBe('# A');
    expect(await candidates[1]!.read()).toEqual(noise(300));
  });

  it('imports notes and attachments from a zip, and lists damaged entries with nothing of them stored', async () => {
    const photo = noise(5000, 3);
    const note = utf8('# Kept\n\n![[photo.png]]\n');
    const zip = forgeZip([
      { name: 'z/kept.md', data: note },
      { name: 'z/photo.png', data: photo, method: 0 },
      { name: 'z/forged.md', data: utf8('truncated?'.repeat(50)), size: 20, localSize: 20 },
      { name: 'z/bad.pdf', data: noise(900, 9), crc: 1234 },
    ]);
    const { candidates, skips } = await zipCandidates(new File([zip], 'z.zip'));
    const report = await runImport(candidates, skips, () => {});
    expect(report).toMatchObject({
      added: 1,
      attachments: { added: 1, updated: 0, unchanged: 0, bytes: 5000 },
      total: 4,
    });
    expect(report.skipped.map((s) => [s.path, s.reason, s.detail])).toEqual([
      ['z/bad.pdf', 'corrupt', 'Its checksum (CRC-32) does not match its data.'],
      ['z/forged.md', 'corrupt', 'It unpacks to more than its declared 20 bytes.'],
    ]);
    expect((await readLiveNotes()).map((n) => n.path)).toEqual(['z/kept.md']);
    const stored = await readLiveAttachments();
    expect(stored.map((a) => [a.path, a.mime, a.sizeBytes])).toEqual([
      ['z/photo.png', 'image/png', 5000],
    ]);
    const blob = (await db.attachmentBlobs.get(stored[0]!.id))!.blob;
    expect(new Uint8Array(await blob.arrayBuffer())).toEqual(photo);
  });

  it('never reads the zip whole: its tail lists it, each entry reads back only its own bytes', async () => {
    const big = noise(200_000, 5);
    const zip = zipSync({
      'a.md': utf8('# A'),
      'big.bin': [big, { level: 0 }],
      'b.md': utf8('# B'),
    });
    const file = new File([zip], 'v.zip');
    const whole = vi.spyOn(file, 'arrayBuffer');
    const slice = vi.spyOn(file, 'slice');
    const { candidates } = await zipCandidates(file);
    // Listing reads the tail (end records, within the longest comment) and the table of contents.
    const listed = slice.mock.calls.length;
    for (const [start, end] of slice.mock.calls) {
      expect(end).toBe(zip.length);
      expect(end! - start!).toBeLessThan(22 + 0xffff + 100);
    }
    expect(text(await candidates[2]!.read())).toBe('# B');
    expect(slice).toHaveBeenCalledTimes(listed + 1);
    const [start, end] = slice.mock.calls[listed]!;
    // Its local header (after the big entry), its few bytes of data and room for a descriptor.
    expect(start).toBeGreaterThan(big.length);
    expect(end! - start!).toBeLessThan(100);
    expect(await candidates[1]!.read()).toEqual(big);
    expect(whole).not.toHaveBeenCalled();
  });

  it('reports every repeated entry as a duplicate', async () => {
    const zip = streamed([
      ['a.md', utf8('a')],
      ['a.md', utf8('again')],
      ['b.png', utf8('b')],
      ['b.png', utf8('again')],
    ]);
    const { candidates, skips } = await zipCandidates(
      new File([zip as Uint8Array<ArrayBuffer>], 'r.zip'),
    );
    expect(candidates.map((c) => c.path)).toEqual(['a.md', 'b.png']);
    expect(skips).toEqual([
      { path: 'a.md', reason: 'duplicate-path', detail: 'Repeated inside r.zip.' },
      { path: 'b.png', reason: 'duplicate-path', detail: 'Repeated inside r.zip.' },
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

  it('refuses a zip whose entries declare more than it may unpack to, before unpacking any', async () => {
    // Eleven entries each claiming 99 MB (within the attachment limit): 1,089 MB in all.
    const entries = Array.from({ length: 11 }, (_, i) => ({
      name: `v/${i}.bin`,
      data: utf8('tiny'),
      size: 99 * 2 ** 20,
      localSize: 99 * 2 ** 20,
    }));
    const result = await zipCandidates(new File([forgeZip(entries)], 'claims.zip'));
    expect(result.candidates).toEqual([]);
    expect(result.skips).toEqual([
      {
        path: 'claims.zip',
        reason: 'too-large',
        detail:
          'It unpacks to 1089.0 MB; one zip may unpack to 1024 MB. Import it unzipped, as a folder.',
      },
    ]);
  });

  it('refuses a zip with too many entries as one clear skip', async () => {
    const zip = forgeZip([{ name: 'a.md', data: utf8('a') }], {
      declaredCount: 150_000,
      zip64End: true,
    });
    const result = await zipCandidates(new File([zip], 'many.zip'));
    expect(result.skips).toEqual([
      {
        path: 'many.zip',
        reason: 'too-large',
        detail:
          'This zip holds 150,000 entries; Hearth imports zips of up to 100,000. Split it, or import the unzipped folder.',
      },
    ]);
  });
});
