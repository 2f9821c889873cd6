// Worker side of the protocol: answers requests with the handler map, then says it is ready.
import type { Envelope, EventMap, HandlerContext, HandlerMap } from './protocol';

/** A dedicated worker's global scope (typed loosely: the app's TS config uses DOM, not WebWorker, libs). */
interface Port {
  postMessage(message: unknown, options?: StructuredSerializeOptions): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<Envelope>) => void): void;
}

/** Push events to the main thread, for workers whose events arise outside any request. */
export function eventEmitter<E extends EventMap>(port: Port) {
  return <K extends keyof E & string>(name: K, payload: E[K]): void =>
    port.postMessage({ kind: 'event', name, payload } satisfies Envelope);
}

export function serve<H extends HandlerMap, E extends EventMap = EventMap>(
  port: Port,
  handlers: H,
): void {
  const emit = eventEmitter<E>(port);

  port.addEventListener('message', (event) => {
    const message = event.data;
    if (message.kind !== 'request') return;
    // Own keys only: a method named `constructor` or `__proto__` must not reach Object.prototype.
    const handler = Object.hasOwn(handlers, message.method) ? handlers[message.method] : undefined;
    const transfers: Transferable[] = [];
    const ctx: HandlerContext<E> = { emit, transfer: (...buffers) => transfers.push(...buffers) };
    void (async () => {
      try {
        if (!handler) throw new Error(`Unknown worker method “${message.method}”.`);
        const result = await handler(message.args, ctx);
        port.postMessage(
          { kind: 'response', id: message.id, ok: true, result } satisfies Envelope,
          {
            transfer: transfers,
          },
        );
      } catch (error) {
        const e = error instanceof Error ? error : new Error(String(error));
        port.postMessage({
          kind: 'response',
          id: message.id,
          ok: false,
          error: { name: e.name, message: e.message },
        } satisfies Envelope);
      }
    })();
  });
  port.postMessage({ kind: 'ready' } satisfies Envelope);
}
