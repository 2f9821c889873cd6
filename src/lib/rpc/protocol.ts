// The typed worker protocol: a worker exposes a handler map; payload types follow the method name.

/** A handler takes one argument object and a context for push events. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type HandlerMap = Record<string, (args: any, ctx: HandlerContext<any>) => unknown>;
export type EventMap = Record<string, unknown>;

export interface HandlerContext<E extends EventMap> {
  emit<K extends keyof E & string>(name: K, payload: E[K]): void;
  /** Buffers listed here are transferred, not copied, with the result. */
  transfer(...buffers: Transferable[]): void;
}

export type Args<H extends HandlerMap, K extends keyof H> = Parameters<H[K]>[0];
export type Result<H extends HandlerMap, K extends keyof H> = Awaited<ReturnType<H[K]>>;

export type Envelope =
  | { kind: 'ready' }
  | { kind: 'request'; id: number; method: string; args: unknown }
  | { kind: 'response'; id: number; ok: true; result: unknown }
  | { kind: 'response'; id: number; ok: false; error: { name: string; message: string } }
  | { kind: 'event'; name: string; payload: unknown };
