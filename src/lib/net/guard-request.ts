// The service worker's answer to one off-origin request of the page or a worker: decided by the
// stored network policy, put in the ledger with who asked and why, and either sent or refused.
// Kept apart from src/sw.ts (which only wires events) so Node tests can run it with stand-ins.
import type { LedgerEntry } from '../llm/net/model-fetch';
import { initiatorName, type ClientInfo } from './initiator';
import { decide, type NetworkPolicy } from './policy';
import { VERDICT_HEADER, type Verdict } from './verdict';

export interface GuardDeps {
  /** The policy as stored now (read per request: the service worker may have been restarted). */
  policy(): Promise<NetworkPolicy>;
  /** The page or worker that made the request, when the browser still knows it. */
  client(): Promise<ClientInfo | undefined>;
  fetch(request: Request): Promise<Response>;
  record(entry: LedgerEntry): void;
  /**
   * Keeps the service worker alive for `work` (its fetch event's waitUntil): an answer's row is
   * recorded when its body has been read, after the answer itself went out.
   */
  extend?: (work: Promise<unknown>) => void;
  nowMs(): number;
  /** The app's own URL, against which request URLs are resolved. */
  appUrl: string;
}

function answer(verdict: Verdict, status: number, message: string): Response {
  return new Response(message, {
    status,
    statusText: verdict === 'blocked' ? 'Blocked by Hearth' : 'Network error',
    headers: { [VERDICT_HEADER]: verdict, 'content-type': 'text/plain; charset=utf-8' },
  });
}

/**
 * Passes the network's answer on with the verdict header, its body counted on the way (each
 * chunk handed on as it is, not copied), and ledgers it once the body has ended, was cut off or
 * was let go: `bytes` is what arrived, not what the server declared. A body this worker cannot
 * read (opaque) or that has none is ledgered at once with 0.
 */
function counted(
  response: Response,
  record: (bytes: number, stopped: string | null) => void,
  extend: ((work: Promise<unknown>) => void) | undefined,
): Response {
  if (response.type === 'opaque' || response.type === 'opaqueredirect' || !response.body) {
    record(0, null);
    return response;
  }
  const headers = new Headers(response.headers);
  headers.set(VERDICT_HEADER, 'ledgered');
  const reader = response.body.getReader();
  let received = 0;
  let ended = () => {};
  const done = new Promise<void>((resolve) => (ended = resolve));
  // The service worker stays alive until the row is written, however long the body takes.
  extend?.(done);
  let finished = false;
  const finish = (stopped: string | null) => {
    if (finished) return;
    finished = true;
    record(received, stopped);
    ended();
  };
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (error) {
        finish(`cut off: ${error instanceof Error ? error.message : String(error)}`);
        controller.error(error);
        return;
      }
      if (chunk.done) {
        finish(null);
        controller.close();
        return;
      }
      received += chunk.value.byteLength;
      controller.enqueue(chunk.value);
    },
    async cancel(reason) {
      finish('not read to the end');
      await reader.cancel(reason);
    },
  });
  return new Response(body, {
    status: response.status,
    statusText: response.statusText,
    headers,
  });
}

export async function guardRequest(request: Request, deps: GuardDeps): Promise<Response> {
  const [policy, client] = await Promise.all([deps.policy(), deps.client()]);
  const initiator = initiatorName(client);
  const url = new URL(request.url, deps.appUrl);
  const base = { host: url.host, path: url.pathname, bytes: 0, status: 0, initiator };
  const decision = decide(request.url, deps.appUrl, policy, deps.nowMs());
  if (!decision.allowed) {
    deps.record({ ...base, at: deps.nowMs(), modelKey: '', reason: `blocked: ${decision.why}` });
    return answer('blocked', 403, `Hearth refused to contact ${url.host}: ${decision.why}.`);
  }
  const modelKey = decision.grant?.modelKey ?? '';
  let response: Response;
  try {
    response = await deps.fetch(request);
  } catch (error) {
    deps.record({ ...base, at: deps.nowMs(), modelKey, reason: decision.purpose });
    const message = error instanceof Error ? error.message : String(error);
    return answer('failed', 502, `Couldn't reach ${url.host}: ${message}`);
  }
  // A redirect is judged where it ended: only the download's hosts (and the hub's file storage,
  // for a hub download) may answer. What another host sent is not read.
  if (response.redirected && response.url) {
    const landed = decide(response.url, deps.appUrl, policy, deps.nowMs(), true);
    if (!landed.allowed) {
      await response.body?.cancel();
      const target = new URL(response.url);
      deps.record({
        ...base,
        host: target.host,
        path: target.pathname,
        status: response.status,
        at: deps.nowMs(),
        modelKey,
        reason: `blocked: a redirect from ${url.host} led to ${target.host}, and ${landed.why}`,
      });
      return answer(
        'blocked',
        403,
        `Hearth refused to read ${target.host}: a redirect from ${url.host} led there, and ${landed.why}.`,
      );
    }
  }
  return counted(
    response,
    (bytes, stopped) =>
      deps.record({
        ...base,
        at: deps.nowMs(),
        status: response.status,
        bytes,
        modelKey,
        reason: stopped ? `${decision.purpose} (${stopped})` : decision.purpose,
      }),
    deps.extend,
  );
}
