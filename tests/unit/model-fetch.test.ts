// The model fetch is the only door from a model worker to the network: these check, with a
// recording stand-in for the network, that it opens only for a download the user started, only to
// the hub (and its file storage, by redirect) or the mirror, and that a path cannot walk off the
// mirror's host.
import { describe, expect, it } from 'vitest';
import {
  createModelFetch,
  isModelHost,
  mirrorUrl,
  pickPurpose,
  type FetchPurpose,
  type LedgerEntry,
} from '../../src/lib/llm/net/model-fetch';
import { ModelFileMissingError, NetworkBlockedError } from '../../src/lib/errors';
import { VERDICT_HEADER } from '../../src/lib/net/verdict';

const mirror = 'http://homebox.local:8080/hf/';

describe('mirrorUrl', () => {
  it('maps hub paths under the mirror base, keeping the query', () => {
    const url = new URL('https://huggingface.co/org/model/resolve/main/config.json?download=1');
    expect(mirrorUrl(url, mirror).href).toBe(
      'http://homebox.local:8080/hf/org/model/resolve/main/config.json?download=1',
    );
    expect(mirrorUrl(url, null)).toBe(url);
    // Not a hub URL: left alone (and then refused by the host check).
    const other = new URL('https://example.com/x');
    expect(mirrorUrl(other, mirror)).toBe(other);
  });

  it('never leaves the mirror: extra slashes, encoded dots and backslashes stay under its base', () => {
    const cases = [
      'https://huggingface.co///other.example/x',
      'https://huggingface.co//other.example/x',
      'https://huggingface.co/%2e%2e/%2e%2e/etc/passwd',
      'https://huggingface.co/org/%2E%2E/%2E%2E/%2E%2E/x',
      'https://huggingface.co/\\\\other.example/x',
      'https://huggingface.co/@other.example/x',
    ];
    for (const raw of cases) {
      const url = new URL(raw);
      let mapped: URL;
      try {
        mapped = mirrorUrl(url, mirror);
      } catch (error) {
        expect(error, raw).toBeInstanceOf(NetworkBlockedError);
        continue;
      }
      expect(mapped.origin, raw).toBe('http://homebox.local:8080');
      expect(mapped.pathname.startsWith('/hf/'), raw).toBe(true);
    }
  });
});

describe('isModelHost', () => {
  it('allows the hub, its storage only by redirect, and the mirror; nothing else', () => {
    const ok = (u: string, redirected = false, m: string | null = null) =>
      isModelHost(new URL(u), m, redirected);
    expect(ok('https://huggingface.co/x')).toBe(true);
    expect(ok('https://raw.githubusercontent.com/x')).toBe(true);
    expect(ok('https://cdn-lfs.huggingface.co/x')).toBe(false);
    expect(ok('https://cdn-lfs.huggingface.co/x', true)).toBe(true);
    expect(ok('https://cas-bridge.xethub.hf.co/x', true)).toBe(true);
    expect(ok('http://huggingface.co/x')).toBe(false);
    expect(ok('https://evilhuggingface.co/x', true)).toBe(false);
    expect(ok('https://huggingface.co.evil.example/x', true)).toBe(false);
    expect(ok('http://homebox.local:8080/hf/x', false, mirror)).toBe(true);
    expect(ok('http://homebox.local:9090/x', false, mirror)).toBe(false);
    expect(ok('https://example.com/x', true, mirror)).toBe(false);
  });
});

describe('createModelFetch', () => {
  const download: FetchPurpose = {
    modelKey: 'm',
    reason: 'download',
    sources: ['https://huggingface.co/org/m/'],
  };

  function setup(
    purpose: FetchPurpose | null | boolean = true,
    responseUrl?: string,
    answer: () => Response = () =>
      new Response('{}', { status: 200, headers: { 'content-type': 'application/json' } }),
    mirrorBase: string | null = null,
  ) {
    const ledger: LedgerEntry[] = [];
    const asked: string[] = [];
    const chosen = purpose === true ? download : purpose === false ? null : purpose;
    const fetch = createModelFetch({
      purpose: () => chosen,
      mirror: () => mirrorBase,
      record: (entry) => ledger.push(entry),
      initiator: 'test worker',
      appOrigin: 'http://localhost:4173',
      baseFetch: (input: RequestInfo | URL) => {
        const url = input instanceof Request ? input.url : String(input);
        asked.push(url);
        const response = answer();
        Object.defineProperty(response, 'url', { value: responseUrl ?? url });
        return Promise.resolve(response);
      },
    });
    return { fetch, ledger, asked };
  }

  it('fetches a hub file for a download the user started, and records it', async () => {
    const { fetch, ledger, asked } = setup();
    const response = await fetch('https://huggingface.co/org/m/resolve/main/config.json');
    expect(await response.text()).toBe('{}');
    expect(asked).toEqual(['https://huggingface.co/org/m/resolve/main/config.json']);
    expect(ledger).toMatchObject([{ host: 'huggingface.co', status: 200, reason: 'download' }]);
  });

  it('refuses any request when no download was started, without touching the network', async () => {
    const { fetch, asked, ledger } = setup(false);
    await expect(fetch('https://huggingface.co/x')).rejects.toBeInstanceOf(NetworkBlockedError);
    expect(asked).toEqual([]);
    expect(ledger).toMatchObject([{ reason: /^blocked: no download/, initiator: 'test worker' }]);
  });

  it('keeps a download to its own files: another repo on the same host is refused', async () => {
    const { fetch, asked, ledger } = setup();
    await expect(fetch('https://huggingface.co/org/other/resolve/main/x.onnx')).rejects.toThrow(
      /not a file of the download you started/,
    );
    // Same prefix as text, another repo: "org/m-evil" is not under "org/m/".
    await expect(fetch('https://huggingface.co/org/m-evil/resolve/main/x.onnx')).rejects.toThrow(
      NetworkBlockedError,
    );
    // Dot segments, encoded or not, are resolved before the check: they cannot climb out.
    for (const climb of ['org/m/../other/x', 'org/m/%2e%2e/other/x', 'org/m/%2E%2E/%2e%2e/x'])
      await expect(fetch(`https://huggingface.co/${climb}`), climb).rejects.toThrow(
        NetworkBlockedError,
      );
    // A model-host origin that is not the download's (web-llm's library host).
    await expect(fetch('https://raw.githubusercontent.com/org/m/x.wasm')).rejects.toThrow(
      NetworkBlockedError,
    );
    expect(asked).toEqual([]);
    expect(ledger.every((e) => e.reason.startsWith('blocked'))).toBe(true);
  });

  it('checks the mirror copy of the download’s files, and only those', async () => {
    const { fetch, asked } = setup(true, undefined, undefined, mirror);
    await fetch('https://huggingface.co/org/m/resolve/main/config.json');
    expect(asked).toEqual(['http://homebox.local:8080/hf/org/m/resolve/main/config.json']);
    await expect(fetch('https://huggingface.co/org/z/resolve/main/config.json')).rejects.toThrow(
      NetworkBlockedError,
    );
  });

  it('never downloads for a load: a missing file fails as missing, and asks for a re-download', async () => {
    const { fetch, asked, ledger } = setup({ modelKey: 'm', reason: 'load', sources: [] });
    const attempt = fetch('https://huggingface.co/org/m/resolve/main/onnx/model.onnx');
    await expect(attempt).rejects.toBeInstanceOf(ModelFileMissingError);
    await expect(attempt).rejects.toThrow(/download the model again/);
    expect(asked).toEqual([]);
    expect(ledger).toMatchObject([{ modelKey: 'm', reason: /^blocked: a load never downloads/ }]);
  });

  it('trusts the service worker’s verdict and does not ledger what it ledgered', async () => {
    const sealed = setup(
      true,
      undefined,
      () =>
        new Response('Hearth refused to contact huggingface.co: the network is sealed.', {
          status: 403,
          headers: { [VERDICT_HEADER]: 'blocked' },
        }),
    );
    await expect(
      sealed.fetch('https://huggingface.co/org/m/resolve/main/config.json'),
    ).rejects.toThrow(/network is sealed/);
    expect(sealed.ledger).toEqual([]);

    const passed = setup(
      true,
      undefined,
      () => new Response('{}', { status: 200, headers: { [VERDICT_HEADER]: 'ledgered' } }),
    );
    const response = await passed.fetch('https://huggingface.co/org/m/resolve/main/config.json');
    expect(await response.text()).toBe('{}');
    expect(passed.ledger).toEqual([]);
  });

  it('refuses a host that is not a model host, and ledgers the attempt as blocked', async () => {
    const { fetch, ledger, asked } = setup();
    await expect(fetch('https://evil.example/model.wasm')).rejects.toThrow(/not a model host/);
    expect(asked).toEqual([]);
    expect(ledger).toMatchObject([{ host: 'evil.example', status: 0, reason: /^blocked/ }]);
  });

  it('does not read a response whose redirect ended off the model hosts', async () => {
    const { fetch, ledger } = setup(true, 'https://tracker.example/collect');
    await expect(fetch('https://huggingface.co/org/m/resolve/main/model.onnx')).rejects.toThrow(
      /redirect led off the model hosts/,
    );
    expect(ledger.at(-1)).toMatchObject({ host: 'tracker.example', reason: /^blocked/ });
  });
});

describe('pickPurpose', () => {
  const a: FetchPurpose = {
    modelKey: 'a',
    reason: 'download',
    sources: ['https://huggingface.co/o/a/'],
  };
  const b: FetchPurpose = {
    modelKey: 'b',
    reason: 'download',
    sources: ['https://huggingface.co/o/b/'],
  };
  const load: FetchPurpose = { modelKey: 'c', reason: 'load', sources: [] };

  it('charges each request to the download whose files it is, never to another one', () => {
    const url = (u: string) => new URL(u);
    expect(pickPurpose([a, b], url('https://huggingface.co/o/b/resolve/main/x'), null)).toBe(b);
    expect(pickPurpose([a, load, b], url('https://huggingface.co/o/a/x'), null)).toBe(a);
    // A load running beside a download does not borrow the download's permission.
    expect(pickPurpose([a, load], url('https://huggingface.co/o/c/x'), null)).toBe(load);
    expect(pickPurpose([a], url('https://huggingface.co/o/c/x'), null)).toBe(a);
    expect(pickPurpose([], url('https://huggingface.co/o/c/x'), null)).toBeNull();
    expect(pickPurpose([a], url('https://huggingface.co/o/a/x'), mirror)).toBe(a);
  });
});
