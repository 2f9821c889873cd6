// The service worker's handling of one off-origin request, with stand-ins for the network, the
// stored policy and the client: a refusal never reaches the network, every attempt is ledgered
// with who asked, and a redirect is judged where it landed.
import { describe, expect, it } from 'vitest';
import { guardRequest, type GuardDeps } from '../../src/lib/net/guard-request';
import { sealedPolicy, type NetworkPolicy } from '../../src/lib/net/policy';
import { VERDICT_HEADER } from '../../src/lib/net/verdict';
import type { LedgerEntry } from '../../src/lib/llm/net/model-fetch';

const now = 5_000;
const worker = { type: 'worker', url: 'http://localhost:4173/assets/llm-webllm.worker-AbC.js' };
const downloading: NetworkPolicy = {
  ...sealedPolicy,
  grants: [
    {
      id: 'g',
      modelKey: 'webllm:X',
      purpose: 'download X',
      origins: ['https://huggingface.co'],
      expiresAtMs: now + 1000,
    },
  ],
};

function setup(policy: NetworkPolicy, answer?: (request: Request) => Response) {
  const ledger: LedgerEntry[] = [];
  const sent: string[] = [];
  const deps: GuardDeps = {
    policy: () => Promise.resolve(policy),
    client: () => Promise.resolve(worker),
    fetch: (request) => {
      sent.push(request.url);
      if (!answer) return Promise.reject(new TypeError('Failed to fetch'));
      return Promise.resolve(answer(request));
    },
    record: (entry) => ledger.push(entry),
    nowMs: () => now,
    appUrl: 'http://localhost:4173/',
  };
  return { deps, ledger, sent };
}

const hubFile = 'https://huggingface.co/mlc-ai/X/resolve/main/mlc-chat-config.json';

describe('guardRequest', () => {
  it('sealed: refuses a worker’s request to a model host without sending it, and ledgers it', async () => {
    const { deps, ledger, sent } = setup(sealedPolicy, () => new Response('{}'));
    const response = await guardRequest(new Request(hubFile), deps);
    expect(response.status).toBe(403);
    expect(response.headers.get(VERDICT_HEADER)).toBe('blocked');
    expect(await response.text()).toMatch(/network is sealed/);
    expect(sent).toEqual([]);
    expect(ledger).toMatchObject([
      {
        host: 'huggingface.co',
        path: '/mlc-ai/X/resolve/main/mlc-chat-config.json',
        status: 0,
        initiator: 'llm-webllm worker',
        reason: 'blocked: the network is sealed',
      },
    ]);
  });

  it('download: sends the download’s request, marks it ledgered, with its purpose and size', async () => {
    const { deps, ledger, sent } = setup(
      downloading,
      () => new Response('{"a":1}', { headers: { 'content-length': '7' } }),
    );
    const response = await guardRequest(new Request(hubFile), deps);
    expect(sent).toEqual([hubFile]);
    expect(response.headers.get(VERDICT_HEADER)).toBe('ledgered');
    expect(await response.text()).toBe('{"a":1}');
    expect(ledger).toMatchObject([
      {
        status: 200,
        bytes: 7,
        modelKey: 'webllm:X',
        reason: 'download X',
        initiator: 'llm-webllm worker',
      },
    ]);
  });

  it('download: refuses the other hosts, even model hosts', async () => {
    const { deps, ledger, sent } = setup(downloading, () => new Response('x'));
    const response = await guardRequest(
      new Request('https://raw.githubusercontent.com/x.wasm'),
      deps,
    );
    expect(response.headers.get(VERDICT_HEADER)).toBe('blocked');
    expect(sent).toEqual([]);
    expect(ledger[0]?.reason).toBe('blocked: it is not a host of the download you started');
  });

  it('drops what a redirect off the download’s hosts returned, and says where it went', async () => {
    const { deps, ledger } = setup(downloading, () => {
      const response = new Response('tracking pixel');
      Object.defineProperty(response, 'redirected', { value: true });
      Object.defineProperty(response, 'url', { value: 'https://tracker.example/p' });
      return response;
    });
    const response = await guardRequest(new Request(hubFile), deps);
    expect(response.headers.get(VERDICT_HEADER)).toBe('blocked');
    expect(await response.text()).toMatch(/tracker\.example/);
    expect(ledger).toMatchObject([{ host: 'tracker.example', reason: /^blocked: a redirect/ }]);
  });

  it('ledgers a network failure and tells the worker it failed', async () => {
    const { deps, ledger } = setup(downloading);
    const response = await guardRequest(new Request(hubFile), deps);
    expect(response.headers.get(VERDICT_HEADER)).toBe('failed');
    expect(await response.text()).toMatch(/Failed to fetch/);
    expect(ledger).toMatchObject([{ status: 0, reason: 'download X' }]);
  });

  it('counts the bytes that arrived, not the ones the server declared', async () => {
    const { deps, ledger } = setup(
      downloading,
      () => new Response('{"a":1}', { headers: { 'content-length': '1000000' } }),
    );
    const response = await guardRequest(new Request(hubFile), deps);
    // Not yet read: the row waits for the body.
    expect(ledger).toEqual([]);
    expect(await response.text()).toBe('{"a":1}');
    expect(ledger).toMatchObject([{ bytes: 7, status: 200, reason: 'download X' }]);
  });

  it('counts a body streamed in parts with no declared length, and keeps the worker alive until its row is written', async () => {
    const parts = [new Uint8Array(70_000), new Uint8Array(3), new Uint8Array(65_536)];
    const { deps, ledger } = setup(downloading, () => {
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          const part = parts.shift();
          if (part) controller.enqueue(part);
          else controller.close();
        },
      });
      return new Response(body);
    });
    const extended: Promise<unknown>[] = [];
    deps.extend = (work) => extended.push(work);
    const response = await guardRequest(new Request(hubFile), deps);
    expect(extended).toHaveLength(1);
    let settled = false;
    void extended[0]!.then(() => (settled = true));
    expect((await response.arrayBuffer()).byteLength).toBe(135_539);
    await extended[0];
    expect(settled).toBe(true);
    expect(ledger).toMatchObject([{ bytes: 135_539, reason: 'download X' }]);
  });

  it('a body let go half way is ledgered with what had arrived, and says so', async () => {
    const { deps, ledger } = setup(downloading, () => {
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          controller.enqueue(new Uint8Array(1000));
        },
      });
      return new Response(body, { headers: { 'content-length': '1000000' } });
    });
    const response = await guardRequest(new Request(hubFile), deps);
    const reader = response.body!.getReader();
    let got = 0;
    for (let i = 0; i < 3; i++) got += (await reader.read()).value!.byteLength;
    await reader.cancel();
    expect(ledger).toHaveLength(1);
    expect(ledger[0]!.bytes).toBeGreaterThanOrEqual(got);
    expect(ledger[0]!.bytes).toBeLessThan(1_000_000);
    expect(ledger[0]!.reason).toBe('download X (not read to the end)');
  });

  it('a body cut off by the network is ledgered with what had arrived', async () => {
    const { deps, ledger } = setup(downloading, () => {
      let step = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (step++ === 0) controller.enqueue(new Uint8Array(4096));
          else controller.error(new TypeError('network error'));
        },
      });
      return new Response(body, { headers: { 'content-length': '9000' } });
    });
    const response = await guardRequest(new Request(hubFile), deps);
    await expect(response.arrayBuffer()).rejects.toThrow();
    expect(ledger).toMatchObject([{ bytes: 4096, reason: 'download X (cut off: network error)' }]);
  });
});
