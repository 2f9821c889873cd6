// Serves a model folder from disk as if it were a Hugging Face repo (or a mirror of one), through
// Playwright routing: `<base>/<file>` answers the file with its exact length, a `Range` probe gets
// a 206 with Content-Range (transformers.js sizes files that way), a missing file gets a 404.
// Every request is counted per file, and a file can be held back until the test releases it, so a
// Cancel lands mid-download without any timing guess.
import type { BrowserContext, Route } from '@playwright/test';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export interface StubbedRequest {
  file: string;
  /** The Range header, or null for a whole-file request. */
  range: string | null;
  status: number;
}

const corsHeaders = {
  'access-control-allow-origin': '*',
  'access-control-expose-headers': 'content-length, content-range, content-type, etag',
};

function contentType(file: string): string {
  return file.endsWith('.json') ? 'application/json' : 'application/octet-stream';
}

export class ModelFileStub {
  readonly requests: StubbedRequest[] = [];
  readonly #dir: string;
  readonly #base: string;
  readonly #holds = new Map<string, { arrived: () => void; released: Promise<void> }>();
  readonly #releases = new Map<string, () => void>();

  /** `base` is the URL the files sit under, e.g. `https://huggingface.co/owner/repo/resolve/main/`. */
  constructor(dir: string, base: string) {
    this.#dir = dir;
    this.#base = base.endsWith('/') ? base : `${base}/`;
  }

  async install(context: BrowserContext): Promise<void> {
    await context.route(`${this.#base}**`, (route) => this.#answer(route));
  }

  /** Requests for `file` (probes included), in arrival order. */
  requestsFor(file: string): StubbedRequest[] {
    return this.requests.filter((r) => r.file === file);
  }

  /** Whole-file requests for `file` wait until `release(file)`; resolves when one has arrived. */
  hold(file: string): Promise<void> {
    let arrived = () => {};
    const arrival = new Promise<void>((resolve) => (arrived = resolve));
    const released = new Promise<void>((resolve) => this.#releases.set(file, resolve));
    this.#holds.set(file, { arrived, released });
    return arrival;
  }

  release(file: string): void {
    this.#releases.get(file)?.();
    this.#holds.delete(file);
  }

  async #answer(route: Route): Promise<void> {
    const request = route.request();
    const file = decodeURIComponent(request.url().slice(this.#base.length).split('?')[0] ?? '');
    const range = (await request.allHeaders())['range'] ?? null;
    const fullPath = path.join(this.#dir, file);
    if (!file || !existsSync(fullPath) || !statSync(fullPath).isFile()) {
      this.requests.push({ file, range, status: 404 });
      await route.fulfill({ status: 404, headers: corsHeaders, body: 'Entry not found' });
      return;
    }
    const body = readFileSync(fullPath);
    const match = range ? /^bytes=(\d+)-(\d*)$/.exec(range) : null;
    if (match) {
      const start = Number(match[1]);
      const end = Math.min(match[2] ? Number(match[2]) : body.length - 1, body.length - 1);
      this.requests.push({ file, range, status: 206 });
      await route.fulfill({
        status: 206,
        headers: {
          ...corsHeaders,
          'content-type': contentType(file),
          'content-range': `bytes ${start}-${end}/${body.length}`,
          'content-length': String(end - start + 1),
        },
        body: body.subarray(start, end + 1),
      });
      return;
    }
    this.requests.push({ file, range: null, status: 200 });
    const hold = this.#holds.get(file);
    if (hold) {
      hold.arrived();
      await hold.released;
    }
    try {
      await route.fulfill({
        status: 200,
        headers: {
          ...corsHeaders,
          'content-type': contentType(file),
          'content-length': String(body.length),
        },
        body,
      });
    } catch (error) {
      // A held request whose worker was stopped by Cancel has nobody left to answer.
      if (!hold) throw error;
    }
  }
}
