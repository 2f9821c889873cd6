// The deploy configurations (deploy/, public/_headers) send the headers `vite preview` sends: a
// changed CSP in vite.config.ts that is not copied into them fails here, not on someone's server.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { securityHeaders } from '../../vite.config';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const lines = (text: string) => text.split('\n').filter((line) => !/^\s*(#|$)/.test(line));

/** name → value, from lines matching `pattern` (groups: name, value); a repeated name fails. */
function headersFrom(text: string, pattern: RegExp): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of lines(text)) {
    const match = pattern.exec(line);
    if (!match) continue;
    const [, name, value] = match as unknown as [string, string, string];
    expect(out, `${name} set twice`).not.toHaveProperty(name);
    out[name] = value;
  }
  return out;
}

describe('deploy configurations', () => {
  it('nginx sends the same security headers, on every location', () => {
    const headers = headersFrom(
      read('deploy/nginx/hearth-headers.conf'),
      /^add_header ([\w-]+) "([^"]*)" always;$/,
    );
    expect(headers).toEqual(securityHeaders);
    // add_header in a location drops every header set above it: each location includes them.
    const site = read('deploy/nginx/hearth-site.conf');
    const locations = site.match(/^\s*location [^{]+\{/gm) ?? [];
    const includes = site.match(/^\s*include hearth\/hearth-headers\.conf;$/gm) ?? [];
    expect(locations.length).toBeGreaterThanOrEqual(4);
    expect(includes.length).toBe(locations.length);
  });

  it('Caddy sends the same security headers', () => {
    const block = /^header \{\n([\s\S]*?)\n\}/m.exec(read('deploy/caddy/hearth.caddy'))?.[1];
    expect(block).toBeDefined();
    expect(headersFrom(block!, /^\t([\w-]+) "([^"]*)"$/)).toEqual(securityHeaders);
  });

  it('_headers for static hosts sends the same security headers on every path', () => {
    const text = read('public/_headers');
    const all = /^\/\*\n((?: {2}.*\n)+)/m.exec(text)?.[1];
    expect(all).toBeDefined();
    expect(headersFrom(all!, /^ {2}([\w-]+): (.*)$/)).toEqual(securityHeaders);
  });

  it('the service worker and the page are revalidated everywhere; hashed assets are immutable', () => {
    const immutable = 'public, max-age=31536000, immutable';
    expect(read('deploy/nginx/hearth-site.conf')).toMatch(
      /location = \/sw\.js \{[^}]*Cache-Control "no-cache"/,
    );
    expect(read('deploy/caddy/hearth.caddy')).toContain(`header Cache-Control "${immutable}"`);
    expect(read('public/_headers')).toMatch(/^\/sw\.js\n {2}Cache-Control: no-cache$/m);
    expect(read('public/_headers')).toMatch(
      new RegExp(`^/assets/\\*\\n {2}Cache-Control: ${immutable.replace(/[.*]/g, '\\$&')}$`, 'm'),
    );
  });
});
