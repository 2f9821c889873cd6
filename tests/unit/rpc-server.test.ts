// The worker side of the protocol answers with the handler map's own methods only: a request
// naming an inherited key (`constructor`, `toString`, `__proto__`) is an unknown method, not a
// call into Object.prototype.
import { describe, expect, it } from 'vitest';
import { serve } from '../../src/lib/rpc/server';
import type { Envelope } from '../../src/lib/rpc/protocol';

function fakePort() {
  const sent: Envelope[] = [];
  let listener: ((event: MessageEvent<Envelope>) => void) | undefined;
  return {
    sent,
    port: {
      postMessage: (message: unknown) => void sent.push(message as Envelope),
      addEventListener: (_type: 'message', l: (event: MessageEvent<Envelope>) => void) => {
        listener = l;
      },
    },
    /** Sends a request and resolves with its response. */
    async request(id: number, method: string, args: unknown = {}) {
      listener?.({ data: { kind: 'request', id, method, args } } as MessageEvent<Envelope>);
      for (let i = 0; i < 50; i++) {
        const response = sent.find((m) => m.kind === 'response' && m.id === id);
        if (response) return response;
        await Promise.resolve();
      }
      throw new Error(`no response to ${method}`);
    },
  };
}

describe('serve', () => {
  const handlers = { echo: ({ text }: { text: string }) => text.toUpperCase() };

  it('says it is ready, then answers a handler of its own', async () => {
    const worker = fakePort();
    serve(worker.port, handlers);
    expect(worker.sent[0]).toEqual({ kind: 'ready' });
    expect(await worker.request(1, 'echo', { text: 'hi' })).toEqual({
      kind: 'response',
      id: 1,
      ok: true,
      result: 'HI',
    });
  });

  it.each(['constructor', 'toString', 'hasOwnProperty', '__proto__', 'valueOf'])(
    'refuses the inherited key %s as an unknown method',
    async (method) => {
      const worker = fakePort();
      serve(worker.port, handlers);
      expect(await worker.request(7, method)).toEqual({
        kind: 'response',
        id: 7,
        ok: false,
        error: { name: 'Error', message: `Unknown worker method “${method}”.` },
      });
    },
  );
});
