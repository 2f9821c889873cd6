// Main-thread side of the protocol. Requests wait for the worker's ready handshake, because
// messages posted before a worker's top-level await settles can be lost.
import type { Args, Envelope, EventMap, HandlerMap, Result } from './protocol';
import { HearthError } from '../errors';

/** An error thrown in a worker, rebuilt with its original name so the UI can tell kinds apart. */
export class WorkerError extends HearthError {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

export class RpcClient<H extends HandlerMap, E extends EventMap = EventMap> {
  #worker: Worker;
  #nextId = 1;
  #pending = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (error: Error) => void }
  >();
  #listeners = new Map<string, Set<(payload: unknown) => void>>();
  #ready: Promise<void>;
  /** Once the handshake is done, calls post at once (no microtask hop): a chat request reaches
   * the worker before the page spends time rendering. */
  #isReady = false;

  constructor(worker: Worker) {
    this.#worker = worker;
    let markReady!: () => void;
    let failStart!: (error: Error) => void;
    this.#ready = new Promise((resolve, reject) => {
      markReady = resolve;
      failStart = reject;
    });
    // Marked as handled here; every call still sees the rejection through its own await.
    this.#ready.catch(() => undefined);
    worker.addEventListener('message', (event: MessageEvent<Envelope>) => {
      const message = event.data;
      if (message.kind === 'ready') {
        this.#isReady = true;
        markReady();
      } else if (message.kind === 'event')
        this.#listeners.get(message.name)?.forEach((fn) => fn(message.payload));
      else if (message.kind === 'response') {
        const pending = this.#pending.get(message.id);
        this.#pending.delete(message.id);
        if (!pending) return;
        if (message.ok) pending.resolve(message.result);
        else pending.reject(new WorkerError(message.error.name, message.error.message));
      }
    });
    worker.addEventListener('error', (event) => {
      const error = new WorkerError(
        'WorkerCrashed',
        `A background worker failed: ${event.message || 'unknown error'}`,
      );
      // A worker that fails before its handshake will never answer: fail every call, now and later.
      failStart(error);
      for (const pending of this.#pending.values()) pending.reject(error);
      this.#pending.clear();
    });
  }

  async call<K extends keyof H & string>(
    method: K,
    args: Args<H, K>,
    transfer: Transferable[] = [],
  ): Promise<Result<H, K>> {
    if (!this.#isReady) await this.#ready;
    const id = this.#nextId++;
    return new Promise<Result<H, K>>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.#worker.postMessage({ kind: 'request', id, method, args } satisfies Envelope, transfer);
    });
  }

  on<K extends keyof E & string>(name: K, listener: (payload: E[K]) => void): () => void {
    const set = this.#listeners.get(name) ?? new Set();
    set.add(listener as (payload: unknown) => void);
    this.#listeners.set(name, set);
    return () => set.delete(listener as (payload: unknown) => void);
  }

  terminate(): void {
    this.#worker.terminate();
  }
}
