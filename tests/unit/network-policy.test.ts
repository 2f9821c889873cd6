// The sealed network's decision, on the URLs that fool naive checks: every request is judged by
// the origin the browser would really contact, after resolution, against the hosts of the
// download the user started (or none, sealed).
import { describe, expect, it } from 'vitest';
import {
  decide,
  networkState,
  sealedPolicy,
  type DownloadGrant,
  type NetworkPolicy,
} from '../../src/lib/net/policy';
import { initiatorName } from '../../src/lib/net/initiator';
import { downloadOrigins } from '../../src/lib/llm/net/download-sources';

const app = 'http://localhost:4173/';
const now = 1_000_000;

const hubGrant: DownloadGrant = {
  id: 'g1',
  modelKey: 'transformers:org/m:q8',
  purpose: 'download org/m',
  origins: ['https://huggingface.co'],
  expiresAtMs: now + 60_000,
};

const sealed = sealedPolicy;
const downloading: NetworkPolicy = { ...sealedPolicy, grants: [hubGrant] };
const open: NetworkPolicy = { ...sealedPolicy, base: 'open' };
const allowed = (raw: string, policy: NetworkPolicy, redirected = false) =>
  decide(raw, app, policy, now, redirected).allowed;

describe('decide', () => {
  it('sealed refuses every off-origin request, the model hosts included', () => {
    for (const raw of [
      'https://huggingface.co/org/m/resolve/main/config.json',
      'https://raw.githubusercontent.com/mlc-ai/x.wasm',
      'https://example.com/',
    ])
      expect(allowed(raw, sealed), raw).toBe(false);
    expect(decide('https://huggingface.co/x', app, sealed, now)).toEqual({
      allowed: false,
      why: 'the network is sealed',
    });
  });

  it('download allows only the started download’s hosts, for as long as its grant lasts', () => {
    expect(allowed('https://huggingface.co/org/m/resolve/main/config.json', downloading)).toBe(
      true,
    );
    expect(decide('https://huggingface.co/x', app, downloading, now)).toMatchObject({
      allowed: true,
      grant: { modelKey: 'transformers:org/m:q8' },
      purpose: 'download org/m',
    });
    // Another model host (web-llm's library host) is not this download's.
    expect(decide('https://raw.githubusercontent.com/x', app, downloading, now)).toEqual({
      allowed: false,
      why: 'it is not a host of the download you started',
    });
    // A lapsed grant (the tab closed mid-download) is as if there were none.
    expect(decide('https://huggingface.co/x', app, downloading, now + 60_000)).toMatchObject({
      allowed: false,
      why: 'the network is sealed',
    });
  });

  it('judges the resolved origin: ports, userinfo, look-alike hosts, IDN and schemes', () => {
    const refused = [
      'https://huggingface.co:8443/x', // another port is another origin
      'http://huggingface.co/x', // plain http
      'https://huggingface.co@evil.example/x', // the host is evil.example
      'https://user:pass@huggingface.co/x', // credentials hide intent
      'https://huggingface.co.evil.example/x',
      'https://evilhuggingface.co/x',
      'https://huggingface.co./x', // trailing dot: a different origin to the browser
      'https://huggingfаce.co/x', // Cyrillic а: xn--huggingfce-…
      'https://xn--huggingfce-7ui.co/x',
      '///evil.example/x', // resolves to http://evil.example/x
      '//evil.example/x', // protocol-relative
      '\\\\evil.example\\x', // backslashes are slashes to the URL parser
      'ftp://huggingface.co/x',
      'ws://huggingface.co/x',
      'data:text/plain,hi',
      'http://[::1]:4173/x',
      'not a url at all http://',
    ];
    for (const raw of refused) expect(allowed(raw, downloading), raw).toBe(false);
    const accepted = [
      'https://huggingface.co:443/org/m/x', // the default port is the same origin
      'https://HuggingFace.CO/org/m/x', // hosts are case-insensitive
      'HTTPS://huggingface.co/org/m/x',
      'https://huggingface.co/org/m/../../x', // dot segments stay on the host
    ];
    for (const raw of accepted) expect(allowed(raw, downloading), raw).toBe(true);
  });

  it('lets the hub’s file storage answer a hub download only at the end of a redirect', () => {
    expect(allowed('https://cdn-lfs.huggingface.co/repos/x', downloading)).toBe(false);
    expect(allowed('https://cdn-lfs.huggingface.co/repos/x', downloading, true)).toBe(true);
    expect(allowed('https://cas-bridge.xethub.hf.co/x', downloading, true)).toBe(true);
    expect(allowed('https://tracker.example/x', downloading, true)).toBe(false);
    expect(allowed('https://cdn-lfs.huggingface.co.evil.example/x', downloading, true)).toBe(false);
    // A mirror download's redirect may not wander to the hub's storage.
    const mirrorGrant = { ...hubGrant, origins: ['http://homebox.local:8080'] };
    const viaMirror: NetworkPolicy = { ...sealedPolicy, grants: [mirrorGrant] };
    expect(allowed('http://homebox.local:8080/hf/x', viaMirror)).toBe(true);
    expect(allowed('https://cdn-lfs.huggingface.co/x', viaMirror, true)).toBe(false);
    expect(allowed('http://homebox.local:9090/x', viaMirror)).toBe(false);
  });

  it('open allows the model hosts (and the mirror) and nothing else', () => {
    expect(allowed('https://huggingface.co/x', open)).toBe(true);
    expect(allowed('https://raw.githubusercontent.com/x', open)).toBe(true);
    expect(allowed('https://example.com/x', open)).toBe(false);
    expect(allowed('https://cdn-lfs.huggingface.co/x', open)).toBe(false);
    expect(
      allowed('http://homebox.local:8080/hf/x', {
        ...open,
        mirror: 'http://homebox.local:8080/hf/',
      }),
    ).toBe(true);
  });

  it('names the state the top bar shows', () => {
    expect(networkState(sealed, now)).toBe('sealed');
    expect(networkState(open, now)).toBe('open');
    expect(networkState(downloading, now)).toBe('download');
    expect(networkState(downloading, now + 60_000)).toBe('sealed');
  });
});

describe('downloadOrigins', () => {
  const webllm = {
    engine: 'webllm' as const,
    modelId: 'X-MLC',
    modelUrl: 'https://huggingface.co/mlc-ai/X-MLC',
    modelLibUrl: 'https://raw.githubusercontent.com/mlc-ai/libs/main/X.wasm',
    vramMB: null,
    contextWindow: null,
    requiresF16: false,
  };
  const onnx = {
    engine: 'transformers' as const,
    repo: 'org/m',
    dtype: 'q8',
    device: 'wasm' as const,
    contextWindow: null,
  };

  it('is the hosts of the model’s files, or the mirror in their place', () => {
    expect(downloadOrigins(webllm, null)).toEqual([
      'https://huggingface.co',
      'https://raw.githubusercontent.com',
    ]);
    expect(downloadOrigins(onnx, null)).toEqual(['https://huggingface.co']);
    expect(downloadOrigins(webllm, 'http://homebox.local:8080/hf/')).toEqual([
      'http://homebox.local:8080',
    ]);
  });

  it('gives a stored custom model pointing elsewhere no host for it', () => {
    const hostile = { ...webllm, modelLibUrl: 'https://evil.example/lib.wasm' };
    expect(downloadOrigins(hostile, null)).toEqual(['https://huggingface.co']);
    expect(downloadOrigins({ ...webllm, modelUrl: 'not a url', modelLibUrl: 'x' }, null)).toEqual(
      [],
    );
  });
});

describe('initiatorName', () => {
  it('names the page or the worker, built or in dev', () => {
    expect(initiatorName({ type: 'window', url: 'http://localhost/notes/1' })).toBe('page');
    expect(
      initiatorName({ type: 'worker', url: 'http://localhost/assets/llm-webllm.worker-Bx1_a2.js' }),
    ).toBe('llm-webllm worker');
    expect(
      initiatorName({
        type: 'worker',
        url: 'http://localhost/src/workers/memory.worker.ts?worker_file&type=module',
      }),
    ).toBe('memory worker');
    expect(initiatorName({ type: 'worker', url: 'http://localhost/assets/odd-AbC.js' })).toBe(
      'odd-AbC worker',
    );
    expect(initiatorName(undefined)).toBe('unknown');
  });
});
