// Cooperative time slicing for the search worker: indexing works in slices of a few
// milliseconds and yields between them, so a search posted meanwhile waits at most one slice.
// Where the Scheduler API exists (Chromium workers) the indexer resumes as a background task,
// which the browser runs only after queued messages; elsewhere a zero-delay timer does.

interface PostTaskScheduler {
  postTask(callback: () => void, options: { priority: 'background' }): Promise<void>;
}

const scheduler = (globalThis as { scheduler?: Partial<PostTaskScheduler> }).scheduler;

/** Resolves after pending events (worker messages above all) have had their turn. */
export function yieldToEvents(): Promise<void> {
  if (typeof scheduler?.postTask === 'function') {
    return scheduler.postTask(() => undefined, { priority: 'background' });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}

export class TimeSlicer {
  readonly sliceMs: number;
  #startedMs = performance.now();

  constructor(sliceMs: number) {
    this.sliceMs = sliceMs;
  }

  /** When the current slice ends, in `performance.now()` time. */
  get deadline(): number {
    return this.#startedMs + this.sliceMs;
  }

  /** Yields if the current slice is used up; the next slice starts when work resumes. */
  pause = async (): Promise<void> => {
    if (performance.now() < this.deadline) return;
    await yieldToEvents();
    this.#startedMs = performance.now();
  };
}
