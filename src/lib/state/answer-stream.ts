// One streamed answer on its way from the engine to the screen and the database. Deltas are
// shown at most once per animation frame (a fast model sends more tokens than the screen can
// paint), what is shown is saved at most every `saveEveryMs` so a reload mid-answer keeps it, and
// once stopped nothing more is shown: the answer is exactly what the user saw when they pressed Stop.

const requestFrame: (run: () => void) => number =
  typeof requestAnimationFrame === 'function'
    ? (run) => requestAnimationFrame(run)
    : (run) => setTimeout(run, 16) as unknown as number;
const cancelFrame: (id: number) => void =
  typeof cancelAnimationFrame === 'function'
    ? (id) => cancelAnimationFrame(id)
    : (id) => clearTimeout(id);

export class AnswerStream {
  readonly controller = new AbortController();
  #received = '';
  #shown = '';
  #frame = 0;
  #lastSaveMs = 0;
  #writes: Promise<void> = Promise.resolve();
  #ended = false;

  constructor(
    private readonly show: (text: string) => void,
    private readonly save: (text: string) => Promise<void>,
    private readonly saveEveryMs = 500,
  ) {
    this.#lastSaveMs = performance.now();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }
  get ended(): boolean {
    return this.#ended;
  }

  readonly onDelta = (text: string): void => {
    if (this.#ended || this.signal.aborted) return;
    this.#received += text;
    // The first words show at once (time to first token is what people feel); later ones are
    // batched to one paint per frame.
    if (this.#shown === '') this.#flush();
    else this.#frame ||= requestFrame(() => this.#flush());
  };

  #flush(): void {
    if (this.#frame) cancelFrame(this.#frame);
    this.#frame = 0;
    if (this.#ended) return;
    this.#shown = this.#received;
    this.show(this.#shown);
    const nowMs = performance.now();
    if (nowMs - this.#lastSaveMs >= this.saveEveryMs) {
      this.#lastSaveMs = nowMs;
      void this.queueWrite(() => this.save(this.#shown));
    }
  }

  /** The engine finished: everything it sent is the answer. */
  finish(): string {
    if (!this.#ended) this.#shown = this.#received;
    return this.#end();
  }

  /** The user stopped: the answer is what is on screen, and tokens still in flight are dropped. */
  stop(): string {
    this.controller.abort();
    return this.#end();
  }

  #end(): string {
    this.#ended = true;
    if (this.#frame) cancelFrame(this.#frame);
    this.#frame = 0;
    return this.#shown;
  }

  /** Runs database writes one after another, so a late periodic save never overwrites the final one. */
  queueWrite(write: () => Promise<void>): Promise<void> {
    const next = this.#writes.then(write);
    this.#writes = next.catch(() => undefined);
    return next;
  }
}
