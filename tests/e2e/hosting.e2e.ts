// Hosting on a real server (issue 13 part 5): dist/ served on loopback by Debian's Caddy and nginx
// with exactly the configurations in deploy/ (only the address and the folder are the test's).
// Each must send what `vite preview` sends, and the app must be cross-origin isolated, come under
// its service worker and open offline. `.ci/run` installs both servers; elsewhere a missing one
// skips its test with the reason (in CI it fails).
import { spawn, type ChildProcess } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { APIRequestContext, Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { securityHeaders } from '../../vite.config';
import { patient } from './patience';

const root = path.resolve(process.env.HEARTH_OUT_DIR ?? 'dist');
const deploy = path.resolve('deploy');

function findBinary(name: string): string | null {
  for (const dir of [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/usr/bin'])
    if (dir && existsSync(path.join(dir, name))) return path.join(dir, name);
  return null;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitForServer(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const until = Date.now() + patient(30_000);
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`the server exited: ${log()}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the server did not answer at ${url}: ${log()}`);
}

interface Served {
  url: string;
  stop(): Promise<void>;
}

function stopper(child: ChildProcess): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill();
    });
}

/** Caddy with deploy/caddy/Caddyfile as is, behind a wrapper that only turns its admin API off. */
async function startCaddy(binary: string, work: string): Promise<Served> {
  const port = await freePort();
  const wrapper = path.join(work, 'Caddyfile');
  writeFileSync(wrapper, `{\n\tadmin off\n}\nimport ${path.join(deploy, 'caddy', 'Caddyfile')}\n`);
  const url = `http://127.0.0.1:${port}`;
  let log = '';
  const child = spawn(binary, ['run', '--config', wrapper, '--adapter', 'caddyfile'], {
    cwd: work,
    env: {
      ...process.env,
      HEARTH_SITE: url,
      HEARTH_ROOT: root,
      HOME: work,
      XDG_DATA_HOME: work,
      XDG_CONFIG_HOME: work,
    },
  });
  child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
  await waitForServer(`${url}/`, child, () => log.slice(-2000));
  return { url, stop: stopper(child) };
}

/** nginx with deploy/nginx/ copied unchanged, included by a server block giving address and root. */
async function startNginx(binary: string, work: string): Promise<Served> {
  const port = await freePort();
  mkdirSync(path.join(work, 'hearth'));
  mkdirSync(path.join(work, 'logs'));
  for (const name of readdirSync(path.join(deploy, 'nginx')))
    copyFileSync(path.join(deploy, 'nginx', name), path.join(work, 'hearth', name));
  const temp = (name: string) => `${name}_temp_path ${path.join(work, name)};`;
  writeFileSync(
    path.join(work, 'nginx.conf'),
    [
      'daemon off;',
      `pid ${path.join(work, 'nginx.pid')};`,
      `error_log ${path.join(work, 'logs', 'error.log')};`,
      'events {}',
      'http {',
      '  include /etc/nginx/mime.types;',
      '  access_log off;',
      ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((n) => `  ${temp(n)}`),
      '  server {',
      `    listen 127.0.0.1:${port};`,
      `    root ${root};`,
      '    include hearth/hearth-site.conf;',
      '  }',
      '}',
    ].join('\n'),
  );
  let log = '';
  const child = spawn(binary, ['-p', work, '-c', path.join(work, 'nginx.conf')]);
  child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  await waitForServer(`${url}/`, child, () => log.slice(-2000));
  return { url, stop: stopper(child) };
}

/** Every security header, and the caching rule, on the page, a deep link, the worker and assets. */
async function checkHeaders(request: APIRequestContext, url: string): Promise<void> {
  const assets = readdirSync(path.join(root, 'assets'));
  const pick = (ext: string) => assets.find((name) => name.endsWith(ext));
  const cases: [string, RegExp, string][] = [
    ['/', /^text\/html/, 'no-cache'],
    ['/notes/some-deep-link', /^text\/html/, 'no-cache'],
    ['/sw.js', /javascript/, 'no-cache'],
    ['/manifest.webmanifest', /^application\/manifest\+json/, 'no-cache'],
    [`/assets/${pick('.js')}`, /javascript/, 'public, max-age=31536000, immutable'],
    [`/assets/${pick('.mjs')}`, /javascript/, 'public, max-age=31536000, immutable'],
    [`/assets/${pick('.wasm')}`, /^application\/wasm/, 'public, max-age=31536000, immutable'],
  ];
  for (const [at, type, cache] of cases) {
    const response = await request.get(url + at, { headers: { 'Accept-Encoding': 'gzip' } });
    expect(response.status(), at).toBe(200);
    const headers = response.headers();
    for (const [name, value] of Object.entries(securityHeaders))
      expect(headers[name.toLowerCase()], `${name} on ${at}`).toBe(value);
    expect(headers['content-type'], `Content-Type of ${at}`).toMatch(type);
    expect(headers['cache-control'], `Cache-Control of ${at}`).toBe(cache);
  }
  // Compressed (vite preview sends files as they are); a missing hashed file is a 404, not a page.
  const script = await request.get(`${url}/assets/${pick('.js')}`, {
    headers: { 'Accept-Encoding': 'gzip' },
  });
  expect(script.headers()['content-encoding']).toMatch(/gzip|zstd/);
  expect((await request.get(`${url}/assets/no-such-file.js`)).status()).toBe(404);
}

/** Isolated, under the service worker, and open offline with a note kept. */
async function checkApp(page: Page, url: string): Promise<void> {
  await page.goto(`${url}/`);
  await expect(page.getByRole('button', { name: 'New note' })).toBeVisible();
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await page.reload();
  await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);
  await page.getByRole('button', { name: 'New note' }).click();
  await expect(page.getByRole('textbox', { name: 'Note text' })).toBeVisible();
  await page.context().setOffline(true);
  await page.reload();
  await expect(page.getByRole('button', { name: 'New note' })).toBeVisible();
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  await page.goto(`${url}/settings`);
  await expect(page.getByRole('button', { name: 'New note' })).toBeVisible();
  await page.context().setOffline(false);
}

const servers = [
  { name: 'Caddy', binary: 'caddy', start: startCaddy },
  { name: 'nginx', binary: 'nginx', start: startNginx },
];

test.describe('hosting on a real server', () => {
  for (const { name, binary, start } of servers) {
    test(`${name} with deploy/ sends the headers, and the app is isolated and opens offline`, async ({
      page,
      request,
    }) => {
      test.setTimeout(patient(180_000));
      const found = findBinary(binary);
      if (!found) {
        expect(process.env.CI, `${binary} is missing: .ci/run installs it`).toBeFalsy();
        test.skip(true, `${binary} is not installed (Debian: apt-get install ${binary})`);
        return;
      }
      const work = mkdtempSync(path.join(tmpdir(), `hearth-${binary}-`));
      const served = await start(found, work);
      try {
        await checkHeaders(request, served.url);
        await checkApp(page, served.url);
      } finally {
        await served.stop();
        rmSync(work, { recursive: true, force: true });
      }
    });
  }
});
