// Saving a backup straight into a file the user picked (File System Access API, Chromium). The
// checked zip goes through age encryption (with a passphrase) into the file's writable stream a
// slice at a time: the encrypted backup is never gathered in the browser's storage, so a backup
// carrying a model of gigabytes no longer needs that much disk a second time (the download path
// builds the encrypted copy as a Blob first). The file is then read back through getFile(),
// decrypted when encrypted, and compared byte for byte with the zip that passed readBundle's
// check; only then is it a backup. A write that fails or is cancelled leaves no half file:
// Chromium writes into a swap file that only close() moves into place, so aborting leaves the
// picked file as it was, and a file Hearth filled but could not verify is removed.
import { decryptStream, encryptStream } from './age-file';
import { errorMessage, HearthError } from '../errors';

/** The most the file's writer is given at once, and the most read back at once to compare. */
export const saveSliceBytes = 4 * 1024 * 1024;

/** The parts of a FileSystemWritableFileStream the save uses. */
export interface FileSink {
  write(data: Uint8Array<ArrayBuffer>): Promise<void>;
  close(): Promise<void>;
  abort(reason?: unknown): Promise<void>;
}

/** The parts of a FileSystemFileHandle the save uses (a unit test passes its own). */
export interface SaveTarget {
  readonly name: string;
  createWritable(options?: { keepExistingData?: boolean }): Promise<FileSink>;
  getFile(): Promise<Blob>;
  /** Chromium's FileSystemHandle.remove(); where missing, a bad file is emptied instead. */
  remove?(): Promise<void>;
}

export interface SaveProgress {
  phase: 'saving' | 'verifying';
  doneBytes: number;
  totalBytes: number;
}

export interface SaveOptions {
  /** Encrypts with age to this passphrase; null saves the plain zip. */
  passphrase: string | null;
  workFactor?: number;
  sliceBytes?: number;
  signal?: AbortSignal;
  onProgress?: (progress: SaveProgress) => void;
}

export class SaveCancelledError extends HearthError {
  override name = 'SaveCancelledError';
}

export class SaveFailedError extends HearthError {
  override name = 'SaveFailedError';
}

/** What became of the picked file after a failure, in the user's terms. */
type Left = 'removed' | 'emptied' | 'untouched' | 'stuck';

/** The same, when the backup failed before anything was written to the file. */
const leftBefore: Record<Left, string> = {
  removed: 'The empty file was removed.',
  emptied: 'The file is empty: delete it.',
  untouched: 'The file was left as it was.',
  stuck: 'The file is empty: delete it.',
};

const leftSentence: Record<Left, string> = {
  removed: 'The unfinished file was removed.',
  emptied: 'The unfinished file was emptied (it holds no backup): delete it.',
  untouched: 'The file was left as it was before.',
  stuck: 'The file could not be removed: delete it, it is not a usable backup.',
};

/**
 * Makes the zip (`makeZip` checks it), saves it into `target`, reads it back and compares;
 * returns the saved file's size. Whatever fails, the picked file is left holding no half backup.
 */
export async function saveToFile<T extends { zip: Blob }>(
  target: SaveTarget,
  makeZip: () => Promise<T>,
  options: SaveOptions,
): Promise<T & { bytes: number }> {
  const sliceBytes = options.sliceBytes ?? saveSliceBytes;
  const name = `“${target.name}”`;
  // The picker makes a new file, empty; a file that already held something keeps it on failure.
  const wasEmpty = (await target.getFile()).size === 0;
  let made: T;
  try {
    options.signal?.throwIfAborted();
    made = await makeZip();
    options.signal?.throwIfAborted();
  } catch (error) {
    const left = wasEmpty ? await discard(target) : 'untouched';
    const message = error instanceof Error ? error.message : String(error);
    const Kind = error instanceof SaveCancelledError ? SaveCancelledError : SaveFailedError;
    throw new Kind(`${message} ${leftBefore[left]}`);
  }
  const { zip } = made;
  let sink: FileSink;
  try {
    sink = await target.createWritable({ keepExistingData: false });
  } catch (error) {
    const left = wasEmpty ? await discard(target) : 'untouched';
    throw new SaveFailedError(
      `The backup could not be written to ${name} (${errorMessage(error)}). ${leftBefore[left]}`,
    );
  }
  try {
    const plain = counted(zip.stream(), sliceBytes, (doneBytes) =>
      options.onProgress?.({ phase: 'saving', doneBytes, totalBytes: zip.size }),
    );
    const out =
      options.passphrase === null
        ? plain
        : await encryptStream(plain, options.passphrase, options.workFactor);
    for await (const slice of slicesOf(out, sliceBytes)) {
      if (options.signal?.aborted) throw new SaveCancelledError('cancelled');
      await sink.write(slice);
    }
    await sink.close();
  } catch (error) {
    await sink.abort(error).catch(() => undefined);
    const left = wasEmpty ? await discard(target) : 'untouched';
    if (error instanceof SaveCancelledError)
      throw new SaveCancelledError(
        `The backup was cancelled before it was saved. ${leftSentence[left]}`,
      );
    throw new SaveFailedError(
      `The backup could not be written to ${name} (${errorMessage(error)}). ${leftSentence[left]}`,
    );
  }
  try {
    await verify(zip, target, options, sliceBytes);
  } catch (error) {
    const left = await discard(target);
    if (error instanceof SaveCancelledError)
      throw new SaveCancelledError(
        `The backup was cancelled before the saved file was checked. ${leftSentence[left]}`,
      );
    throw new SaveFailedError(
      `The backup saved in ${name} did not read back the same (${errorMessage(error)}), so it ` +
        `is not a backup. ${leftSentence[left]}`,
    );
  }
  return { ...made, bytes: (await target.getFile()).size };
}

/** The file as written, decrypted when encrypted, must be the checked zip, byte for byte. */
async function verify(
  zip: Blob,
  target: SaveTarget,
  options: SaveOptions,
  sliceBytes: number,
): Promise<void> {
  const file = await target.getFile();
  const stream =
    options.passphrase === null
      ? file.stream()
      : await decryptStream(file.stream(), options.passphrase);
  let at = 0;
  for await (const slice of slicesOf(stream, sliceBytes)) {
    if (options.signal?.aborted) throw new SaveCancelledError('cancelled');
    if (at + slice.length > zip.size) throw new Error(`it is longer than the ${zip.size} bytes`);
    const expected = new Uint8Array(await zip.slice(at, at + slice.length).arrayBuffer());
    const differs = firstDifference(expected, slice);
    if (differs >= 0) throw new Error(`it differs at byte ${(at + differs).toLocaleString('en')}`);
    at += slice.length;
    options.onProgress?.({ phase: 'verifying', doneBytes: at, totalBytes: zip.size });
  }
  if (at !== zip.size)
    throw new Error(
      `it ends after ${at.toLocaleString('en')} of ${zip.size.toLocaleString('en')} bytes`,
    );
}

function firstDifference(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : a.length;
}

/** Removes a file Hearth filled and could not finish or verify; else empties it. */
async function discard(target: SaveTarget): Promise<Left> {
  try {
    if (target.remove) {
      await target.remove();
      return 'removed';
    }
  } catch {
    // Not removable here (permission, platform): emptied below instead.
  }
  try {
    const sink = await target.createWritable({ keepExistingData: false });
    await sink.close();
    return 'emptied';
  } catch {
    return 'stuck';
  }
}

/** Passes a stream through, reporting the bytes read so far every `everyBytes` and at the end. */
function counted(
  stream: ReadableStream<Uint8Array>,
  everyBytes: number,
  onBytes: (done: number) => void,
): ReadableStream<Uint8Array> {
  let done = 0;
  let told = 0;
  return stream.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        done += chunk.length;
        // Not every chunk: a model of gigabytes would post tens of thousands of events.
        if (done - told >= everyBytes) onBytes((told = done));
        controller.enqueue(chunk);
      },
      flush() {
        if (done !== told) onBytes(done);
      },
    }),
  );
}

/**
 * A stream's bytes as slices of exactly `sliceBytes` (the last one shorter): what the writer is
 * given is bounded whatever sizes the stream yields, and few writes cross to the file system.
 */
export async function* slicesOf(
  stream: ReadableStream<Uint8Array>,
  sliceBytes: number,
): AsyncGenerator<Uint8Array<ArrayBuffer>> {
  const reader = stream.getReader();
  let slice = new Uint8Array(sliceBytes);
  let filled = 0;
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      for (let at = 0; at < value.length;) {
        const take = Math.min(sliceBytes - filled, value.length - at);
        slice.set(value.subarray(at, at + take), filled);
        filled += take;
        at += take;
        if (filled === sliceBytes) {
          // A new buffer each time: the writer may still hold the last one.
          yield slice;
          slice = new Uint8Array(sliceBytes);
          filled = 0;
        }
      }
    }
    finished = true;
    if (filled > 0) yield slice.slice(0, filled);
  } finally {
    // Stopped early (cancelled, failed): let the source go, so it reads no further.
    if (!finished) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}
