// A backup is read from the file by slices: the table of contents from the tail, small entries a
// window at a time, a large entry in slices checked on the way (a stored one handed back as a
// slice of the file, not a copy). No read is ever larger than a window, whatever the backup holds.
import { describe, expect, it } from 'vitest';
import { writeBundle, type BundleSource } from '../../src/lib/bundle/bundle-write';
import { BundleError, readBundle } from '../../src/lib/bundle/bundle-read';
import { listZipSlices, readEntriesInOrder, windowBytes } from '../../src/lib/vault/zip-slices';
import { sha256Bytes } from '../../src/lib/vault/hash';
import { forgeZip } from './zip-forge';
import { bundleSource } from './bundle-source';
import { noise } from '../fixtures/noise';

/** A Blob that records the size of every read made from it or its slices. */
class ReadSpy extends Blob {
  static largest = 0;
  constructor(parts: BlobPart[]) {
    super(parts);
  }
  /** A slice reads nothing: only its arrayBuffer() does, and is counted then. */
  override slice(start?: number, end?: number): Blob {
    return new ReadSpy([super.slice(start, end)]);
  }
  override arrayBuffer(): Promise<ArrayBuffer> {
    ReadSpy.largest = Math.max(ReadSpy.largest, this.size);
    return super.arrayBuffer();
  }
}

function source(attachment: Uint8Array): BundleSource {
  return bundleSource({
    notes: Array.from({ length: 300 }, (_, i) => ({
      id: `n${i}`,
      path: `notes/${i}.md`,
      createdAt: 1,
      updatedAt: 1,
      deletedAt: 0,
      content: `# Note ${i}\n\n${'Some text. '.repeat(50)}`,
    })),
    attachments: [
      {
        id: 'a1',
        path: 'assets/big.png',
        name: 'big.png',
        mime: 'image/png',
        sizeBytes: attachment.length,
        hash: 'a'.repeat(64),
        createdAt: 1,
        updatedAt: 1,
        deletedAt: 0,
        bytes: () => Promise.resolve(attachment),
      },
    ],
  });
}

describe('reading a backup by slices', () => {
  it('never reads more than a window at once, and hands a large stored entry back as a slice', async () => {
    const big = noise(3 * windowBytes);
    const { blob } = await writeBundle(source(big), { appVersion: '0.1.0' });
    const file = new ReadSpy([blob]);
    ReadSpy.largest = 0;
    const read = await readBundle(file);
    expect(read.notes).toHaveLength(300);
    expect(read.attachments[0]!.blob.size).toBe(big.length);
    expect(await sha256Bytes(new Uint8Array(await read.attachments[0]!.blob.arrayBuffer()))).toBe(
      await sha256Bytes(big),
    );
    // The attachment's own read-back above is the test's; the reader's reads stayed small.
    expect(ReadSpy.largest).toBeLessThanOrEqual(Math.max(windowBytes, big.length));
    ReadSpy.largest = 0;
    await readBundle(new ReadSpy([blob]));
    expect(ReadSpy.largest).toBeLessThanOrEqual(windowBytes);
  });

  it('checks a large entry as it reads it: a flipped byte deep inside is refused', async () => {
    const big = noise(2 * windowBytes, 7);
    const bytes = new Uint8Array(
      await (await writeBundle(source(big), { appVersion: '0.1.0' })).blob.arrayBuffer(),
    );
    // Well inside the attachment's data, past the first slices.
    const at = bytes.length - Math.floor(windowBytes / 2) - 200_000;
    bytes[at]! ^= 0x10;
    const error = await readBundle(new Blob([bytes])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BundleError);
    expect((error as Error).message).toMatch(/big\.png.*(checksum|SHA-256)/);
  });

  it('inflates a large deflated entry in steps, with its size, CRC-32 and SHA-256', async () => {
    const data = noise(windowBytes + 1000, 3);
    const zip = new Blob([
      forgeZip([
        { name: 'small.txt', data: new Uint8Array(10) },
        { name: 'big.bin', data },
      ]),
    ]);
    const listing = await listZipSlices(zip, 10);
    const seen = new Map<string, { blob: boolean; sha256: string; size: number }>();
    await readEntriesInOrder(zip, listing, ({ entry, bytes, sha256 }) => {
      seen.set(entry.path, {
        blob: bytes instanceof Blob,
        sha256,
        size: bytes instanceof Blob ? bytes.size : bytes.length,
      });
    });
    expect(seen.get('big.bin')).toEqual({
      blob: true,
      sha256: await sha256Bytes(data),
      size: data.length,
    });
    expect(seen.get('small.txt')!.blob).toBe(false);

    const lying = new Blob([forgeZip([{ name: 'big.bin', data, size: data.length - 1 }])]);
    await expect(
      readEntriesInOrder(lying, await listZipSlices(lying, 10), () => undefined),
    ).rejects.toThrow(/big\.bin: it unpacks to more than/);
  });
});
