// Turns transformers.js' per-file progress events into Hearth's LoadProgress: 'download' while
// files are read (from the network or the cache) with summed bytes, then 'load' while the ONNX
// session is created, which reports nothing until it is done.
import type { ProgressInfo } from '@huggingface/transformers';
import type { LoadProgress } from '../types';

const MB = 1024 * 1024;

function megabytes(bytes: number): string {
  return (bytes / MB).toFixed(bytes < 10 * MB ? 1 : 0);
}

function amount(loadedBytes: number, totalBytes: number): string {
  if (totalBytes < MB / 10)
    return `${Math.ceil(loadedBytes / 1024)} of ${Math.ceil(totalBytes / 1024)} KB`;
  return `${megabytes(loadedBytes)} of ${megabytes(totalBytes)} MB`;
}

export class LoadProgressReporter {
  #files = new Map<string, { loadedBytes: number; totalBytes: number; done: boolean }>();
  #fromNetwork = false;
  #sessionStarted = false;
  #onnxRead = false;
  #onProgress: (progress: LoadProgress) => void;

  constructor(onProgress: (progress: LoadProgress) => void) {
    this.#onProgress = onProgress;
  }

  /** Bytes arrived from the network (not the cache) for this load. */
  networkBytes(): void {
    this.#fromNetwork = true;
  }

  readonly callback = (info: ProgressInfo): void => {
    if (info.status === 'initiate' || info.status === 'download') {
      if (!this.#files.has(info.file))
        this.#files.set(info.file, { loadedBytes: 0, totalBytes: 0, done: false });
    } else if (info.status === 'progress') {
      this.#files.set(info.file, { loadedBytes: info.loaded, totalBytes: info.total, done: false });
      this.#reportFiles(info.file);
    } else if (info.status === 'done') {
      const file = this.#files.get(info.file);
      if (file) file.done = true;
      if (/\.onnx$/.test(info.file)) this.#onnxRead = true;
      if (this.#onnxRead && this.#allDone()) this.sessionStarting();
    }
  };

  #allDone(): boolean {
    return [...this.#files.values()].every((f) => f.done);
  }

  #reportFiles(current: string): void {
    let loadedBytes = 0;
    let totalBytes = 0;
    for (const file of this.#files.values()) {
      loadedBytes += file.loadedBytes;
      totalBytes += file.totalBytes;
    }
    const verb = this.#fromNetwork ? 'Downloading' : 'Reading';
    this.#onProgress({
      phase: 'download',
      fraction: totalBytes > 0 ? Math.min(1, loadedBytes / totalBytes) : 0,
      loadedBytes,
      totalBytes: totalBytes || null,
      text: `${verb} ${current.split('/').pop() ?? current} (${amount(loadedBytes, totalBytes)})`,
    });
  }

  sessionStarting(): void {
    if (this.#sessionStarted) return;
    this.#sessionStarted = true;
    this.#onProgress({
      phase: 'load',
      fraction: 0,
      loadedBytes: null,
      totalBytes: null,
      text: 'Starting the model (on a CPU this can take a while)…',
    });
  }

  ready(): void {
    this.#onProgress({
      phase: 'load',
      fraction: 1,
      loadedBytes: null,
      totalBytes: null,
      text: 'Model ready.',
    });
  }
}
