// Reaching the app's own workers from a test, without any hook in the app: a request envelope is
// dispatched inside the worker as if the page had posted it, and its response is taken out before
// it reaches the page. So a test can ask the real search and memory workers what the app would
// get, and record what the engine worker received, independently of the app's own bookkeeping.
import type { Page, Worker } from '@playwright/test';
import { expect } from '@playwright/test';
import { patient } from '../patience';

export async function appWorker(page: Page, name: RegExp): Promise<Worker> {
  await expect
    .poll(() => page.workers().some((w) => name.test(w.url())), { timeout: patient(30_000) })
    .toBe(true);
  return page.workers().find((w) => name.test(w.url())) as Worker;
}

/** Calls `method` on the worker's RPC server and returns its result. */
export async function workerCall<T>(worker: Worker, method: string, args: unknown): Promise<T> {
  const response = await worker.evaluate(
    ({ method, args }) =>
      new Promise<{ ok: boolean; result?: unknown; error?: { message: string } }>((resolve) => {
        type Scope = {
          postMessage: (message: unknown, options?: unknown) => void;
          __testCalls?: Map<number, (m: unknown) => void>;
          __testNextId?: number;
        };
        const scope = self as unknown as Scope;
        if (!scope.__testCalls) {
          const calls = new Map<number, (m: unknown) => void>();
          const post = scope.postMessage.bind(self);
          scope.__testCalls = calls;
          scope.__testNextId = 2_000_000_000;
          scope.postMessage = (message: unknown, options?: unknown) => {
            const m = message as { kind?: string; id?: number };
            const take = m.kind === 'response' && m.id !== undefined ? calls.get(m.id) : undefined;
            if (take) {
              calls.delete(m.id as number);
              take(message);
            } else post(message, options);
          };
        }
        const id = (scope.__testNextId = (scope.__testNextId ?? 0) + 1);
        scope.__testCalls.set(id, resolve as (m: unknown) => void);
        self.dispatchEvent(
          new MessageEvent('message', { data: { kind: 'request', id, method, args } }),
        );
      }),
    { method, args },
  );
  if (!response.ok) throw new Error(`${method}: ${response.error?.message ?? 'failed'}`);
  return response.result as T;
}

/** Starts recording every chat request the engine worker receives (the message as delivered). */
export async function recordChatRequests(worker: Worker): Promise<void> {
  await worker.evaluate(() => {
    const scope = self as unknown as { __chatRequests?: unknown[] };
    if (scope.__chatRequests) return;
    const seen: unknown[] = [];
    scope.__chatRequests = seen;
    self.addEventListener('message', (event: MessageEvent) => {
      const data = event.data as { kind?: string; method?: string; args?: { request?: unknown } };
      if (data?.kind === 'request' && data.method === 'chat') seen.push(data.args?.request);
    });
  });
}

export function recordedChatRequests<T>(worker: Worker): Promise<T[]> {
  return worker.evaluate(
    () => ((self as unknown as { __chatRequests?: unknown[] }).__chatRequests ?? []) as never,
  );
}
