import { describe, expect, it } from 'vitest';
import { connectSources, originAllowed } from '../../src/lib/llm/csp-allow';
import { assertFits } from '../../src/lib/llm/storage-check';
import { ModelTooLargeError } from '../../src/lib/errors';
import { InvalidMirrorError, parseMirror } from '../../src/lib/llm/mirror-url';

const policy =
  "default-src 'self'; script-src 'self'; connect-src 'self' https://huggingface.co https://*.hf.co http://homebox.local:8080; object-src 'none'";
const self = 'http://localhost:4173';
const allowed = (url: string) => originAllowed(new URL(url), connectSources(policy) ?? [], self);

describe('CSP connect-src', () => {
  it('reads connect-src, falling back to default-src, or null without either', () => {
    expect(connectSources(policy)).toContain('https://huggingface.co');
    expect(connectSources("default-src 'self'")).toEqual(["'self'"]);
    expect(connectSources("script-src 'self'")).toBeNull();
  });

  it('allows the own origin, listed hosts and wildcard subdomains', () => {
    expect(allowed('http://localhost:4173/models/')).toBe(true);
    expect(allowed('https://huggingface.co/x')).toBe(true);
    expect(allowed('https://cas-bridge.xethub.hf.co/x')).toBe(true);
    expect(allowed('http://homebox.local:8080/hf/')).toBe(true);
  });

  it('refuses other ports, schemes and hosts', () => {
    expect(allowed('http://localhost:5000/')).toBe(false);
    expect(allowed('http://huggingface.co/')).toBe(false);
    expect(allowed('http://homebox.local/')).toBe(false);
    expect(allowed('https://evil.example/')).toBe(false);
    expect(allowed('https://hf.co.evil.example/')).toBe(false);
  });
});

describe('storage check', () => {
  const fmt = (n: number) => `${n} B`;
  it('passes when the download fits or sizes are unknown', () => {
    expect(() => assertFits('M', 100, { usage: 0, quota: 100 }, fmt)).not.toThrow();
    expect(() => assertFits('M', null, { usage: 0, quota: 1 }, fmt)).not.toThrow();
    expect(() => assertFits('M', 100, {}, fmt)).not.toThrow();
  });

  it('refuses with the needed and free space named', () => {
    expect(() => assertFits('Tiny', 300, { usage: 800, quota: 1000 }, fmt)).toThrow(
      ModelTooLargeError,
    );
    expect(() => assertFits('Tiny', 300, { usage: 800, quota: 1000 }, fmt)).toThrow(
      /Tiny needs 300 B .* only 200 B more/,
    );
  });
});

describe('mirror setting', () => {
  it('normalizes to a base URL ending in a slash, or null when empty', () => {
    expect(parseMirror(' http://homebox.local:8080/hf ')).toBe('http://homebox.local:8080/hf/');
    expect(parseMirror('https://m.example/?x=1#y')).toBe('https://m.example/');
    expect(parseMirror('   ')).toBeNull();
  });

  it('refuses what is not an http(s) address', () => {
    expect(() => parseMirror('homebox')).toThrow(InvalidMirrorError);
    expect(() => parseMirror('ftp://homebox/')).toThrow(/http:\/\/ or https:\/\//);
    expect(() => parseMirror('http://me:pw@homebox/')).toThrow(/passwords/);
  });
});
