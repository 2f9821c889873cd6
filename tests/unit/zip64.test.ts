// Zip64, written and read: an export past 65,534 entries (or past 4 GiB) keeps every entry, other
// zip tools accept what Hearth writes, and Hearth reads the zip64 variants other tools write.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Zip, ZipPassThrough } from 'fflate';
import { readZip, ZipEntryError, ZipUnreadableError } from '../../src/lib/vault/zip';
import { readZipBlob } from '../../src/lib/vault/zip-slices';
import { ZipBlobWriter } from '../../src/lib/vault/zip-writer';
import { forgeZip } from './zip-forge';

const utf8 = (s: string) => new TextEncoder().encode(s);
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const manyEntries = 65_537;

const hasUnzip = existsSync('/usr/bin/unzip');
const hasPython = spawnSync('python3', ['--version']).status === 0;
const scratch = mkdtempSync(path.join(tmpdir(), 'hearth-zip64-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function written(blob: Blob, name: string): Promise<string> {
  const file = path.join(scratch, name);
  writeFileSync(file, new Uint8Array(await blob.arrayBuffer()));
  return file;
}

/** What Python's zipfile makes of a zip: every entry tested, then the count and the last entry. */
function pythonReads(file: string): string {
  const script = [
    'import sys, zipfile',
    'z = zipfile.ZipFile(sys.argv[1])',
    'assert z.testzip() is None',
    'names = z.namelist()',
    'print(len(names), names[-1], z.read(names[-1]).decode(), sep="|")',
  ].join('\n');
  const run = spawnSync('python3', ['-c', script, file], { encoding: 'utf8' });
  expect(run.stderr).toBe('');
  return run.stdout.trim();
}

function unzipTests(file: string): void {
  const run = spawnSync('/usr/bin/unzip', ['-tq', file], { encoding: 'utf8' });
  expect(run.stdout + run.stderr).toContain('No errors detected');
  expect(run.status).toBe(0);
}

const endRecord = (bytes: Uint8Array) =>
  new DataView(bytes.buffer, bytes.byteOffset + bytes.length - 22, 22);

describe('an export of more than 65,534 entries', () => {
  let blob: Blob;
  const build = async () => {
    const writer = new ZipBlobWriter();
    const one = utf8('x');
    for (let i = 0; i < manyEntries - 1; i++)
      await writer.add(`n/${i}.md`, one, { compress: false });
    await writer.add('last.md', utf8('# Last'), { compress: true });
    return writer.finish();
  };

  it('writes zip64 end records and reads back every entry', { timeout: 120_000 }, async () => {
    blob = await build();
    const bytes = new Uint8Array(await blob.arrayBuffer());
    const end = endRecord(bytes);
    expect(end.getUint32(0, true)).toBe(0x06054b50);
    expect(end.getUint16(10, true)).toBe(0xffff);
    expect(new DataView(bytes.buffer).getUint32(bytes.length - 42, true)).toBe(0x07064b50);
    const entries = readZip(bytes);
    expect(entries).toHaveLength(manyEntries);
    expect(entries.map((e) => e.path).slice(-2)).toEqual([`n/${manyEntries - 2}.md`, 'last.md']);
    expect(text(entries.at(-1)!.read())).toBe('# Last');
    expect(text(entries[0]!.read())).toBe('x');
  });

  it.skipIf(!hasUnzip)('passes unzip -t', { timeout: 120_000 }, async () => {
    unzipTests(await written(blob, 'many.zip'));
  });

  it.skipIf(!hasPython)("is read whole by Python's zipfile", { timeout: 120_000 }, async () => {
    expect(pythonReads(await written(blob, 'many-py.zip'))).toBe(`${manyEntries}|last.md|# Last`);
  });
});

describe('zip64 fields for sizes and offsets (forced, as past 4 GiB)', () => {
  const photo = Uint8Array.from({ length: 3000 }, (_, i) => (i * 7919) % 251);
  const build = async () => {
    const writer = new ZipBlobWriter({ forceZip64: true });
    await writer.add('notes/日本語.md', utf8('# 見出し\n'), { compress: true, modifiedAt: 0 });
    await writer.add('img/photo.png', photo, { compress: false });
    await writer.add('empty.md', new Uint8Array(), { compress: true });
    await writer.add('z.md', utf8('# Z'), { compress: true });
    return writer.finish();
  };

  it('are read by Hearth, from bytes and from a Blob', async () => {
    const blob = await build();
    const bytes = new Uint8Array(await blob.arrayBuffer());
    for (const entries of [readZip(bytes), await readZipBlob(blob)]) {
      expect(entries.map((e) => [e.path, e.sizeBytes])).toEqual([
        ['notes/日本語.md', 12],
        ['img/photo.png', 3000],
        ['empty.md', 0],
        ['z.md', 3],
      ]);
      expect(text(await entries[0]!.read())).toBe('# 見出し\n');
      expect(await entries[1]!.read()).toEqual(photo);
      expect(await entries[2]!.read()).toEqual(new Uint8Array());
    }
  });

  it.skipIf(!hasUnzip)('pass unzip -t', async () => {
    unzipTests(await written(await build(), 'forced.zip'));
  });

  it.skipIf(!hasPython)("are read by Python's zipfile", async () => {
    expect(pythonReads(await written(await build(), 'forced-py.zip'))).toBe('4|z.md|# Z');
  });
});

describe('the end record', () => {
  const a = { name: 'a.md', data: utf8('# A') };
  const b = { name: 'b.md', data: utf8('# B') };

  it('must agree with what the central directory holds', () => {
    expect(() => readZip(forgeZip([a, b], { declaredCount: 1 }))).toThrow(ZipUnreadableError);
    expect(() => readZip(forgeZip([a, b], { declaredCount: 1 }))).toThrow(
      'the central directory holds 2 entries but its end record says 1',
    );
    expect(() => readZip(forgeZip([a, b], { declaredCount: 3, zip64End: true }))).toThrow(
      'the central directory holds 2 entries but its end record says 3',
    );
  });

  it('may wrap its 16-bit count, as writers without zip64 did', { timeout: 120_000 }, () => {
    // fflate's writer (Hearth's exports until now) stores 65,537 entries as a count of 1.
    const chunks: Uint8Array[] = [];
    const zip = new Zip((error, chunk) => {
      if (error) throw error;
      chunks.push(chunk);
    });
    for (let i = 0; i < manyEntries; i++) {
      const entry = new ZipPassThrough(`n/${i}.md`);
      zip.add(entry);
      entry.push(utf8(`${i}`), true);
    }
    zip.end();
    const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    chunks.reduce((at, c) => (bytes.set(c, at), at + c.length), 0);
    expect(endRecord(bytes).getUint16(10, true)).toBe(1);
    const entries = readZip(bytes);
    expect(entries).toHaveLength(manyEntries);
    expect(text(entries.at(-1)!.read())).toBe(`${manyEntries - 1}`);
  });
});

describe('a data descriptor after a local header with a zip64 field', () => {
  // Python's zipfile writing to a pipe with force_zip64: the local header has a zip64 field, the
  // descriptor 8-byte sizes, the central directory 4-byte ones.
  const note = utf8('Hello, world!\n'.repeat(57)).subarray(0, 800);
  const png = utf8('not really a png, but stored the same way as one\n'.repeat(2)).subarray(0, 104);

  it('has 8-byte sizes, and is read', async () => {
    const zip = forgeZip([
      { name: 'note.md', data: note, descriptor: {}, localZip64: true },
      { name: 'img.png', data: png, descriptor: {} },
    ]);
    for (const entries of [readZip(zip), await readZipBlob(new Blob([zip]))]) {
      expect(await entries[0]!.read()).toEqual(note);
      expect(await entries[1]!.read()).toEqual(png);
    }
  });

  it('is still refused when it disagrees', () => {
    const zip = forgeZip([
      { name: 'note.md', data: note, descriptor: { size: 799 }, localZip64: true },
    ]);
    const [entry] = readZip(zip);
    expect(() => entry!.read()).toThrow(ZipEntryError);
    expect(() => entry!.read()).toThrow('its data descriptor disagrees with the central directory');
  });
});
