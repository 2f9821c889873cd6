// The only door from a model worker to the network. Every model file request goes through here:
// it is refused unless a user action (download or load of a named model) is in progress, rewritten
// to the user's mirror when one is set, put on the record (the ledger), and checked so that a 404
// or an HTML fallback page fails as "missing" instead of being cached as a model file.
import { HearthError, ModelFileMissingError, NetworkBlockedError } from '../../errors';
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
}

/** Why the worker may touch the network right now: set by a user-started download or load. */
export interface FetchPurpose {
  modelKey: string;
  reason: string;
}

export interface ModelFetchOptions {
  purpose(): FetchPurpose | null;
  mirror(): string | null;
  record(entry: LedgerEntry): void;
  /** Bytes received so far on one URL, for progress bars that need bytes. */
  onBytes?(url: string, loadedBytes: number, totalBytes: number | null): void;
  /** The app's own origin: its bundled assets (the ONNX runtime) load without purpose or record. */
  appOrigin: string;
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

export function createModelFetch(options: ModelFetchOptions): typeof fetch {
  const baseFetch = options.baseFetch ?? globalThis.fetch.bind(globalThis);

  return async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const original = new URL(request.url);
    if (original.origin === options.appOrigin && original.pathname.startsWith('/assets/'))
      return baseFetch(request);
    if (original.pathname.includes(`/${IMPORTED_NAMESPACE}/`))
      throw new ModelFileMissingError(
        `The imported model has no file “${fileName(original)}”. Import its folder again with that file included.`,
      );
    const purpose = options.purpose();
    if (!purpose)
      throw new NetworkBlockedError(
        `Hearth refused to contact ${original.host}: no download was asked for.`,
      );
    const mirror = options.mirror();
    const refuse = (target: URL, why: string): never => {
      options.record({
        at: Date.now(),
        host: target.host,
        path: target.pathname,
        bytes: 0,
        status: 0,
        modelKey: purpose.modelKey,
        reason: `blocked: ${why}`,
      });
      throw new NetworkBlockedError(`Hearth refused to contact ${target.host}: ${why}.`);
    };
    let url: URL;
    try {
      url = mirrorUrl(original, mirror);
    } catch {
      return refuse(original, 'the path leads outside the mirror');
    }
    if (!isModelHost(url, mirror, false)) refuse(url, 'it is not a model host');
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
      options.record(entry);
      throw new HearthError(
        `Couldn't reach ${url.host} for “${fileName(url)}”: ${(error as Error).message}. Check the connection or the mirror setting, then retry — files already downloaded are kept.`,
        { cause: error },
      );
    }
    entry.status = response.status;
    // A redirect that ended somewhere other than the hub's storage or the mirror is not read.
    if (response.url && !isModelHost(new URL(response.url), mirror, true)) {
      await response.body?.cancel();
      options.record(entry);
      return refuse(new URL(response.url), 'a redirect led off the model hosts');
    }
    if (response.status === 404 || response.status === 401 || response.status === 403) {
      options.record(entry);
      throw new ModelFileMissingError(
        `The model file “${fileName(url)}” is missing on ${url.host} (HTTP ${response.status}).`,
      );
    }
    if (!response.ok) {
      options.record(entry);
      throw new HearthError(
        `${url.host} answered HTTP ${response.status} for “${fileName(url)}”. Retry later; files already downloaded are kept.`,
      );
    }
    const type = response.headers.get('content-type') ?? '';
    if (type.includes('text/html') && !/\.html?$/.test(url.pathname)) {
      options.record(entry);
      await response.body?.cancel();
      throw new ModelFileMissingError(
        `The model file “${fileName(url)}” is missing on ${url.host}: the server answered with a web page instead. Nothing was stored.`,
      );
    }
    return countBytes(response, request, entry, options);
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
  options: ModelFetchOptions,
): Response {
  const length = Number(response.headers.get('content-length'));
  const total = Number.isFinite(length) && length > 0 ? length : null;
  if (!response.body || request.headers.has('range')) {
    options.record({ ...entry, bytes: response.body ? (total ?? 0) : 0 });
    return response;
  }
  const reader = response.body.getReader();
  let loaded = 0;
  let recorded = false;
  const finish = () => {
    if (recorded) return;
    recorded = true;
    options.record({ ...entry, bytes: loaded });
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
        options.onBytes?.(request.url, loaded, total);
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
