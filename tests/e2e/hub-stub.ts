// Serves a model folder from disk as if it were a Hugging Face repo (or a mirror of one), through
// Playwright routing: `<repo>/resolve/<main or the commit>/<file>` answers the file with its exact
// length, a `Range` probe gets a 206 with Content-Range (transformers.js sizes files that way), a
// missing file gets a 404. Like the hub, the revision API (`api/models/<repo>/revision/<ref>`)
// names the commit `main` points at, and each file answer carries `X-Repo-Commit` and, for the
// large (LFS) files, `X-Linked-Etag` with their SHA-256. Every request is counted per file, and a
// file can be held back until the test releases it, so a Cancel lands mid-download without any
// timing guess.
import type { BrowserContext, Route } from '@playwright/test';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** The commit the stub's `main` points at unless a test moves it. */
export const STUB_COMMIT = '4e1c0b5d9a7f3e2c1b0a9f8e7d6c5b4a3f2e1d0c';

/** What `file` is for a revision API request. */
export const REVISION_API = 'api:revision';

export interface StubbedRequest {
  /** The file's path in the repo, or REVISION_API. */
  file: string;
  /** The Range header, or null for a whole-file request. */
  range: string | null;
  status: number;
  /** The ref in the URL: `main`, a commit, or for REVISION_API the ref asked about. */
  revision: string;
}

const corsHeaders = {
  'access-control-allow-origin': '*',
  'access-control-expose-headers':
    'content-length, content-range, content-type, etag, x-repo-commit, x-linked-etag',
};

function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? listFiles(path.join(dir, entry.name), `${prefix}${entry.name}/`)
      : [`${prefix}${entry.name}`],
  );
}

function contentType(file: string): string {
  return file.endsWith('.json') ? 'application/json' : 'application/octet-stream';
}

export class ModelFileStub {
  readonly requests: StubbedRequest[] = [];
  /** The commit `main` points at; a test moves it to publish an "upstream update". */
  commit = STUB_COMMIT;
  readonly #dir: string;
  readonly #repoBase: string;
  readonly #apiBase: string;
  readonly #holds = new Map<string, { arrived: () => void; released: Promise<void> }>();
  readonly #releases = new Map<string, () => void>();
  /** Commits the stub has ever published: their files stay served, as on the hub. */
  readonly #published = new Set<string>();

  /** `base` is the URL the files sit under, e.g. `https://huggingface.co/owner/repo/resolve/main/`. */
  constructor(dir: string, base: string) {
    this.#dir = dir;
    this.#repoBase = base.slice(0, base.indexOf('/resolve/'));
    const repo = this.#repoBase.split('/').slice(-2).join('/');
    this.#apiBase = `${this.#repoBase.slice(0, -repo.length)}api/models/${repo}/revision/`;
  }

  async install(context: BrowserContext): Promise<void> {
    await context.route(`${this.#repoBase}/resolve/**`, (route) => this.#answer(route));
    await context.route(`${this.#apiBase}**`, (route) => this.#answerRevision(route));
  }

  async #answerRevision(route: Route): Promise<void> {
    const ref = decodeURIComponent(route.request().url().slice(this.#apiBase.length));
    const known = ref === 'main' || this.#published.has(ref) || ref === this.commit;
    this.requests.push({
      file: REVISION_API,
      range: null,
      status: known ? 200 : 404,
      revision: ref,
    });
    if (!known) {
      await route.fulfill({ status: 404, headers: corsHeaders, body: 'Revision not found' });
      return;
    }
    const sha = ref === 'main' ? this.commit : ref;
    this.#published.add(sha);
    await route.fulfill({
      status: 200,
      headers: { ...corsHeaders, 'content-type': 'application/json' },
      body: JSON.stringify({
        id: this.#repoBase.split('/').slice(-2).join('/'),
        sha,
        siblings: listFiles(this.#dir).map((rfilename) => ({ rfilename })),
      }),
    });
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
    const rest = request.url().slice(`${this.#repoBase}/resolve/`.length).split('?')[0] ?? '';
    const slash = rest.indexOf('/');
    const revision = decodeURIComponent(rest.slice(0, slash));
    const file = decodeURIComponent(rest.slice(slash + 1));
    const range = (await request.allHeaders())['range'] ?? null;
    const fullPath = path.join(this.#dir, file);
    const servedCommit = revision === 'main' ? this.commit : revision;
    if (
      slash < 0 ||
      (revision !== 'main' && !this.#published.has(revision)) ||
      !file ||
      !existsSync(fullPath) ||
      !statSync(fullPath).isFile()
    ) {
      this.requests.push({ file, range, status: 404, revision });
      await route.fulfill({ status: 404, headers: corsHeaders, body: 'Entry not found' });
      return;
    }
    const body = readFileSync(fullPath);
    const hubHeaders: Record<string, string> = { 'x-repo-commit': servedCommit };
    if (file.endsWith('.onnx'))
      hubHeaders['x-linked-etag'] = `"${createHash('sha256').update(body).digest('hex')}"`;
    const match = range ? /^bytes=(\d+)-(\d*)$/.exec(range) : null;
    if (match) {
      const start = Number(match[1]);
      const end = Math.min(match[2] ? Number(match[2]) : body.length - 1, body.length - 1);
      this.requests.push({ file, range, status: 206, revision });
      await route.fulfill({
        status: 206,
        headers: {
          ...corsHeaders,
          ...hubHeaders,
          'content-type': contentType(file),
          'content-range': `bytes ${start}-${end}/${body.length}`,
          'content-length': String(end - start + 1),
        },
        body: body.subarray(start, end + 1),
      });
      return;
    }
    this.requests.push({ file, range: null, status: 200, revision });
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
          ...hubHeaders,
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
