// A backup saved straight into a picked file (bundle/save-file.ts), against a file that keeps its
// old content until close() as Chromium's writable does: the writer never gets more than a slice,
// the file decrypts to the zip byte for byte, and a failed, cancelled or unverifiable save leaves
// no half file behind, nor destroys a file that held something before.
import { describe, expect, it } from 'vitest';
import {
  saveToFile,
  slicesOf,
  SaveCancelledError,
  SaveFailedError,
  type FileSink,
  type SaveProgress,
  type SaveTarget,
} from '../../src/lib/bundle/save-file';
import { decryptBlob } from '../../src/lib/bundle/age-file';
import { noise } from '../fixtures/noise';

const fastWork = 10;
const sliceBytes = 64 * 1024;

/** A picked file: writes go to a swap copy that only close() puts in place. */
class FakeFile implements SaveTarget {
  readonly name = 'hearth-backup.zip.age';
  content: Uint8Array<ArrayBuffer>;
  removed = false;
  writes: number[] = [];
  aborted = 0;
  /** Called before each write; may throw or wait. */
  beforeWrite: (index: number) => Promise<void> | void = () => undefined;
  /** Changes what close() puts in place (a disk that flips a bit). */
  onClose: (bytes: Uint8Array<ArrayBuffer>) => Uint8Array<ArrayBuffer> = (b) => b;
  canRemove = true;

  constructor(content = new Uint8Array(0)) {
    this.content = content;
  }

  get remove(): (() => Promise<void>) | undefined {
    if (!this.canRemove) return undefined;
    return () => {
      this.removed = true;
      this.content = new Uint8Array(0);
      return Promise.resolve();
    };
  }

  getFile(): Promise<Blob> {
    if (this.removed) return Promise.reject(new DOMException('gone', 'NotFoundError'));
    return Promise.resolve(new Blob([this.content]));
  }

  createWritable(): Promise<FileSink> {
    const swap: Uint8Array<ArrayBuffer>[] = [];
    return Promise.resolve({
      write: async (data) => {
        await this.beforeWrite(this.writes.length);
        this.writes.push(data.length);
        swap.push(data.slice());
      },
      close: async () => {
        this.content = this.onClose(new Uint8Array(await new Blob(swap).arrayBuffer()));
      },
      abort: () => {
        this.aborted++;
        return Promise.resolve();
      },
    });
  }
}

const zip = new Blob([noise(1_000_003, 7)]);
const made = () => Promise.resolve({ zip });

async function bytesOf(blob: Blob): Promise<Uint8Array> {
  return new Uint8Array(await blob.arrayBuffer());
}

/** Byte equality without a deep compare of a million elements. */
function same(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.length).equals(
    Buffer.from(b.buffer, b.byteOffset, b.length),
  );
}

describe('saving a backup into a picked file', () => {
  it('encrypts into the file a slice at a time, and the file decrypts to the zip', async () => {
    const file = new FakeFile();
    const progress: SaveProgress[] = [];
    const saved = await saveToFile(file, made, {
      passphrase: 'correct horse',
      workFactor: fastWork,
      sliceBytes,
      onProgress: (p) => progress.push(p),
    });
    expect(saved.bytes).toBe(file.content.length);
    // Never more than a slice at once, and full slices but the last: the file is never whole
    // in memory on its way out.
    expect(Math.max(...file.writes)).toBe(sliceBytes);
    expect(file.writes.slice(0, -1).every((n) => n === sliceBytes)).toBe(true);
    expect(file.writes.reduce((a, b) => a + b, 0)).toBe(file.content.length);
    expect(new TextDecoder().decode(file.content.subarray(0, 21))).toBe('age-encryption.org/v1');
    const opened = await decryptBlob(new Blob([file.content]), 'correct horse');
    expect(same(await bytesOf(opened), await bytesOf(zip))).toBe(true);
    expect(progress.at(-1)).toEqual({
      phase: 'verifying',
      doneBytes: zip.size,
      totalBytes: zip.size,
    });
    expect(progress.some((p) => p.phase === 'saving' && p.doneBytes === zip.size)).toBe(true);
    expect(file.removed).toBe(false);
  });

  it('saves the plain zip as it is when no passphrase is given', async () => {
    const file = new FakeFile();
    await saveToFile(file, made, { passphrase: null, sliceBytes });
    expect(same(file.content, await bytesOf(zip))).toBe(true);
    expect(Math.max(...file.writes)).toBe(sliceBytes);
  });

  it('a write that fails half way aborts and removes the new file, saying so', async () => {
    const file = new FakeFile();
    file.beforeWrite = (i) => {
      if (i === 3) throw new DOMException('The disk is full.', 'QuotaExceededError');
    };
    const saving = saveToFile(file, made, { passphrase: null, sliceBytes });
    await expect(saving).rejects.toThrow(SaveFailedError);
    await expect(saving).rejects.toThrow(
      /could not be written to “hearth-backup\.zip\.age” \(The disk is full\.\)\. The unfinished file was removed\./,
    );
    expect(file.aborted).toBe(1);
    expect(file.removed).toBe(true);
  });

  it('a file that held something before keeps it when the save fails', async () => {
    const before = noise(500, 3);
    const file = new FakeFile(before.slice());
    file.beforeWrite = (i) => {
      if (i === 1) throw new Error('I/O error');
    };
    await expect(saveToFile(file, made, { passphrase: null, sliceBytes })).rejects.toThrow(
      /The file was left as it was before\./,
    );
    expect(file.removed).toBe(false);
    expect(file.content).toEqual(before);
  });

  it('Cancel while writing stops at the next slice and leaves no file', async () => {
    const file = new FakeFile();
    const controller = new AbortController();
    file.beforeWrite = (i) => {
      if (i === 2) controller.abort();
    };
    const saving = saveToFile(file, made, {
      passphrase: 'p',
      workFactor: fastWork,
      sliceBytes,
      signal: controller.signal,
    });
    await expect(saving).rejects.toThrow(SaveCancelledError);
    await expect(saving).rejects.toThrow(
      /cancelled before it was saved\. The unfinished file was removed\./,
    );
    expect(file.writes.length).toBe(3);
    expect(file.removed).toBe(true);
  });

  it('a file that does not read back the same is removed and not called a backup', async () => {
    const file = new FakeFile();
    file.onClose = (bytes) => {
      bytes[300_000]! ^= 0x01;
      return bytes;
    };
    await expect(saveToFile(file, made, { passphrase: null, sliceBytes })).rejects.toThrow(
      /did not read back the same \(it differs at byte 300,000\), so it is not a backup\. The unfinished file was removed\./,
    );
    expect(file.removed).toBe(true);
  });

  it('an encrypted file cut short on the disk fails its check, and is emptied where it cannot be removed', async () => {
    const file = new FakeFile();
    file.canRemove = false;
    file.onClose = (bytes) => bytes.slice(0, bytes.length - 100);
    await expect(
      saveToFile(file, made, { passphrase: 'p', workFactor: fastWork, sliceBytes }),
    ).rejects.toThrow(/did not read back the same .* The unfinished file was emptied/);
    expect(file.content.length).toBe(0);
  });

  it('a backup that fails before anything is written removes the empty file the picker made', async () => {
    const file = new FakeFile();
    const failing = () => Promise.reject(new Error('The backup did not pass its own check.'));
    await expect(saveToFile(file, failing, { passphrase: null })).rejects.toThrow(
      'The backup did not pass its own check. The empty file was removed.',
    );
    expect(file.writes).toEqual([]);
    expect(file.removed).toBe(true);
  });
});

describe('slicesOf', () => {
  it('gives slices of exactly the slice size, whatever the stream yields, and the same bytes', async () => {
    const bytes = noise(300_001, 11);
    const sizes = [1, 70_000, 5, 65_536, 131_072, 0, 33_387];
    let at = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        const size = sizes.shift();
        if (size === undefined) {
          controller.enqueue(bytes.subarray(at));
          controller.close();
          return;
        }
        controller.enqueue(bytes.subarray(at, at + size));
        at += size;
      },
    });
    const slices: Uint8Array<ArrayBuffer>[] = [];
    for await (const slice of slicesOf(stream, sliceBytes)) slices.push(slice);
    const full = [sliceBytes, sliceBytes, sliceBytes, sliceBytes];
    expect(slices.map((s) => s.length)).toEqual([...full, 300_001 - 4 * sliceBytes]);
    expect(same(await bytesOf(new Blob(slices)), bytes)).toBe(true);
  });
});
