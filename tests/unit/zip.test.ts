import { describe, expect, it } from 'vitest';
import { Zip, ZipPassThrough, zipSync, strToU8 } from 'fflate';
import { readZip, writeZip, ZipTooLargeError, ZipUnreadableError } from '../../src/lib/vault/zip';

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
});
