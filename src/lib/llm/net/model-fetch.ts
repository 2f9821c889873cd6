// The only door from a model worker to the network. Every model file request goes through here:
// it is refused unless a download the user started is in progress and the request goes to one of
// that download's hosts (checked after the mirror rewrite), put on the record (the ledger), and
// checked so that a 404 or an HTML fallback page fails as "missing" instead of being cached as a
// model file. A load never downloads: a file gone from the cache fails as missing. Behind this
// door the service worker applies the network policy again (src/lib/net/), and says what it did.
import { HearthError, ModelFileMissingError, NetworkBlockedError } from '../../errors';
import { verdictOf } from '../../net/verdict';
import { hubOrigins, hubRedirectSources, IMPORTED_NAMESPACE } from './hosts';

export interface LedgerEntry {
  at: number;
  host: string;
  path: string;
  bytes: number;
  /** HTTP status, or 0 when the request failed before any answer. */
  status: number;
  modelKey: string;
  reason: string;
  /** Who asked: "page" or which worker. */
  initiator?: string;
}

/** Why the worker may touch the network right now: set by a user-started download or load. */
export interface FetchPurpose {
  modelKey: string;
  reason: 'download' | 'load';
  /**
   * Where the download's files live, before the mirror: URL prefixes such as
   * `https://huggingface.co/org/repo/`, or one file's URL. Its requests may go under these only
   * (or under the mirror's copy of them).
   */
  sources: readonly string[];
}

export interface ModelFetchOptions {
  /** The user action `url` is fetched for, if any (several may run at once in one worker). */
  purpose(url: URL): FetchPurpose | null;
  mirror(): string | null;
  record(entry: LedgerEntry): void;
  /** Bytes received so far on one URL, for progress bars that need bytes. */
  onBytes?(url: string, loadedBytes: number, totalBytes: number | null): void;
  /** The app's own origin: its bundled assets (the ONNX runtime) load without purpose or record. */
  appOrigin: string;
  /** Who this fetch belongs to, for the ledger ("llm-webllm worker"). */
  initiator?: string;
  baseFetch?: typeof fetch;
}

function fileName(url: URL): string {
  return decodeURIComponent(url.pathname.split('/').pop() ?? url.pathname);
}

/**
 * Maps a hub or model-library URL onto the mirror: same path, the mirror's base. The result is
 * always under the mirror's base: a path that would resolve elsewhere (`///other.example/x`, a
 * protocol-relative reference, or `%2e%2e` climbing out of the base) is refused.
 */
export function mirrorUrl(url: URL, mirror: string | null): URL {
  if (!mirror || !hubOrigins.includes(url.origin)) return url;
  const base = new URL(mirror.endsWith('/') ? mirror : `${mirror}/`);
  // Joined as text, never resolved as a reference: leading slashes would make it another host's.
  const mapped = new URL(base.href + url.pathname.replace(/^\/+/, '') + url.search);
  if (mapped.origin !== base.origin || !mapped.pathname.startsWith(base.pathname))
    throw new NetworkBlockedError(
      `Hearth refused a model file path that leads outside the mirror (${url.pathname.slice(0, 200)}).`,
    );
  return mapped;
}

/** Hosts a model download may reach: the hub (and where it redirects files) or the mirror. */
export function isModelHost(url: URL, mirror: string | null, redirected: boolean): boolean {
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return false;
  if (mirror !== null && url.origin === new URL(mirror).origin) return true;
  if (url.protocol !== 'https:') return false;
  if (hubOrigins.includes(url.origin)) return true;
  // The hub's large-file storage answers from its own subdomains, only ever by redirect.
  return redirected && hubRedirectHosts.some((suffix) => url.hostname.endsWith(suffix));
}

const hubRedirectHosts = hubRedirectSources.map((source) => source.replace('https://*', ''));

/** The download's sources as the network sees them: on the mirror when one is set. */
function sourceUrls(purpose: FetchPurpose, mirror: string | null): URL[] {
  const urls: URL[] = [];
  for (const source of purpose.sources) {
    try {
      urls.push(mirrorUrl(new URL(source), mirror));
    } catch {
      // A source that is no URL, or leaves the mirror, covers nothing.
    }
  }
  return urls;
}

/** True when `url` (already on the mirror, if any) is under one of the download's sources. */
export function purposeCovers(purpose: FetchPurpose, url: URL, mirror: string | null): boolean {
  return sourceUrls(purpose, mirror).some(
    (source) => url.origin === source.origin && url.href.startsWith(source.href),
  );
}

/**
 * Picks which of the running user actions a request belongs to: the download whose files it is;
 * else a running load (which then refuses it as missing); else any download (which refuses it as
 * not its own).
 */
export function pickPurpose(
  running: readonly FetchPurpose[],
  original: URL,
  mirror: string | null,
): FetchPurpose | null {
  let mapped: URL;
  try {
    mapped = mirrorUrl(original, mirror);
  } catch {
    mapped = original;
  }
  const downloads = running.filter((p) => p.reason === 'download');
  return (
    downloads.find((p) => purposeCovers(p, mapped, mirror)) ??
    running.findLast((p) => p.reason === 'load') ??
    downloads[0] ??
    null
  );
}

export function missingForLoad(modelKey: string, file: string): ModelFileMissingError {
  return new ModelFileMissingError(
    `The model file “${file}” of ${modelKey} is missing on this device (the browser may have cleared it to free space). Open Models and download the model again: Hearth never downloads without you asking.`,
  );
}

export function createModelFetch(options: ModelFetchOptions): typeof fetch {
  const baseFetch = options.baseFetch ?? globalThis.fetch.bind(globalThis);
  const { initiator } = options;
  const onBytes: ModelFetchOptions['onBytes'] = (url, loaded, total) =>
    options.onBytes?.(url, loaded, total);
  const record = (entry: LedgerEntry) =>
    options.record(initiator ? { ...entry, initiator } : entry);

  return async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const original = new URL(request.url);
    if (original.origin === options.appOrigin && original.pathname.startsWith('/assets/'))
      return baseFetch(request);
    if (original.pathname.includes(`/${IMPORTED_NAMESPACE}/`))
      throw new ModelFileMissingError(
        `The imported model has no file “${fileName(original)}”. Import its folder again with that file included.`,
      );
    const purpose = options.purpose(original);
    const refuse = (target: URL, why: string): never => {
      record({
        at: Date.now(),
        host: target.host,
        path: target.pathname,
        bytes: 0,
        status: 0,
        modelKey: purpose?.modelKey ?? '',
        reason: `blocked: ${why}`,
      });
      throw new NetworkBlockedError(`Hearth refused to contact ${target.host}: ${why}.`);
    };
    if (!purpose) return refuse(original, 'no download was asked for');
    if (purpose.reason === 'load') {
      record({
        at: Date.now(),
        host: original.host,
        path: original.pathname,
        bytes: 0,
        status: 0,
        modelKey: purpose.modelKey,
        reason: 'blocked: a load never downloads (file missing on this device)',
      });
      throw missingForLoad(purpose.modelKey, fileName(original));
    }
    const mirror = options.mirror();
    let url: URL;
    try {
      url = mirrorUrl(original, mirror);
    } catch {
      return refuse(original, 'the path leads outside the mirror');
    }
    if (!isModelHost(url, mirror, false)) refuse(url, 'it is not a model host');
    if (!purposeCovers(purpose, url, mirror))
      refuse(url, 'it is not a file of the download you started');
    const entry: LedgerEntry = {
      at: Date.now(),
      host: url.host,
      path: url.pathname,
      bytes: 0,
      status: 0,
      modelKey: purpose.modelKey,
      reason: purpose.reason,
    };
    let response: Response;
    try {
      response = await baseFetch(new Request(url, request), { credentials: 'omit' });
    } catch (error) {
      record(entry);
      throw new HearthError(
        `Couldn't reach ${url.host} for “${fileName(url)}”: ${(error as Error).message}. Check the connection or the mirror setting, then retry — files already downloaded are kept.`,
        { cause: error },
      );
    }
    // The service worker, when it passed the request, has ledgered it (with who asked) already.
    const verdict = verdictOf(response);
    const note = (row: LedgerEntry) => {
      if (verdict === null) record(row);
    };
    if (verdict === 'blocked') throw new NetworkBlockedError(await response.text());
    if (verdict === 'failed')
      throw new HearthError(
        `${await response.text()}. Check the connection or the mirror setting, then retry — files already downloaded are kept.`,
      );
    entry.status = response.status;
    // A redirect that ended somewhere other than the hub's storage or the mirror is not read.
    if (response.url && !isModelHost(new URL(response.url), mirror, true)) {
      await response.body?.cancel();
      note(entry);
      return refuse(new URL(response.url), 'a redirect led off the model hosts');
    }
    if (response.status === 404 || response.status === 401 || response.status === 403) {
      note(entry);
      throw new ModelFileMissingError(
        `The model file “${fileName(url)}” is missing on ${url.host} (HTTP ${response.status}).`,
      );
    }
    if (!response.ok) {
      note(entry);
      throw new HearthError(
        `${url.host} answered HTTP ${response.status} for “${fileName(url)}”. Retry later; files already downloaded are kept.`,
      );
    }
    const type = response.headers.get('content-type') ?? '';
    if (type.includes('text/html') && !/\.html?$/.test(url.pathname)) {
      note(entry);
      await response.body?.cancel();
      throw new ModelFileMissingError(
        `The model file “${fileName(url)}” is missing on ${url.host}: the server answered with a web page instead. Nothing was stored.`,
      );
    }
    return countBytes(response, request, entry, note, onBytes);
  };
}

/**
 * Passes the body through unchanged while counting it. The ledger entry is written once, when the
 * body ends, fails or is cancelled; a Range probe (transformers.js sizes each file with a one-byte
 * `bytes=0-0` request and often never reads the body) is written at once, with its declared length.
 */
function countBytes(
  response: Response,
  request: Request,
  entry: LedgerEntry,
  record: (entry: LedgerEntry) => void,
  onBytes: ModelFetchOptions['onBytes'],
): Response {
  const length = Number(response.headers.get('content-length'));
  const total = Number.isFinite(length) && length > 0 ? length : null;
  if (!response.body || request.headers.has('range')) {
    record({ ...entry, bytes: response.body ? (total ?? 0) : 0 });
    return response;
  }
  const reader = response.body.getReader();
  let loaded = 0;
  let recorded = false;
  const finish = () => {
    if (recorded) return;
    recorded = true;
    record({ ...entry, bytes: loaded });
  };
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) {
          finish();
          controller.close();
          return;
        }
        loaded += value.byteLength;
        onBytes?.(request.url, loaded, total);
        controller.enqueue(value);
      } catch (error) {
        finish();
        controller.error(error);
      }
    },
    cancel(reason) {
      finish();
      return reader.cancel(reason);
    },
  });
  return new Response(body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}
