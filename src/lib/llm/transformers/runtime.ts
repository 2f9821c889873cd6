// transformers.js set up for Hearth's worker: models only from the hub (through the guarded model
// fetch), files kept in Cache Storage under hub URLs, and the ONNX runtime's wasm from the app's
// own origin. Cache keys stay hub URLs whatever the mirror: the model fetch rewrites each request,
// so changing the mirror never orphans downloaded files.
import { env } from '@huggingface/transformers';
import ortMjsUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';
import ortWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import { recordRequest } from '../../db/requests-repo';
import { ModelFileMissingError } from '../../errors';
import { HUB_ORIGIN } from '../net/hosts';
import { initiatorName } from '../../net/initiator';
import { createModelFetch } from '../net/model-fetch';
import { revisionApiUrl } from '../net/hub-revision';
import { modelThreads } from '../threads';
import type { NetworkSettings } from '../types';
import type { NetworkActivity } from './activity';
import { CACHE_NAME, fileKey } from './cache-files';

/** Files transformers.js asks for but can do without: a 404 for these is an answer, not an error. */
const OPTIONAL_FILES = new Set(['generation_config.json', 'preprocessor_config.json']);

const activities = new Set<NetworkActivity>();
let mirror: string | null = null;
/** The activity of the request being started; read synchronously by the model fetch's purpose(). */
let starting: NetworkActivity | undefined;

function activityFor(url: URL): NetworkActivity | undefined {
  let found: NetworkActivity | undefined;
  for (const activity of activities) {
    const { repo } = activity;
    // A repo's files, or its entry in the hub's revision API.
    const ofRepo =
      url.pathname.startsWith(`/${repo}/`) || url.pathname.startsWith(`/api/models/${repo}/`);
    if (url.origin === HUB_ORIGIN && ofRepo) found = activity;
  }
  return found;
}

const modelFetch = createModelFetch({
  // A download reaches its own repo's files only; a load none (a missing file fails as missing).
  // Asking which commit to pin to is a download's first request (or an update check's only one).
  purpose: () => {
    if (!starting) return null;
    const { modelKey, repo, reason } = starting;
    if (reason === 'revision')
      return {
        modelKey,
        reason: 'download',
        sources: [revisionApiUrl(`${HUB_ORIGIN}/${repo}`, '')],
      };
    return { modelKey, reason, sources: reason === 'download' ? [`${HUB_ORIGIN}/${repo}/`] : [] };
  },
  mirror: () => mirror,
  record: (entry) => {
    recordRequest(entry).catch(reportError);
  },
  onBytes: (url, loadedBytes, totalBytes) =>
    activityFor(new URL(url))?.onBytes?.(url, loadedBytes, totalBytes),
  appOrigin: self.location.origin,
  // This runtime serves the chat-model worker and the memory worker: the ledger names which.
  initiator: initiatorName({ type: 'worker', url: self.location.href }),
});

/** For a pinned load, where a request for `<repo>/resolve/main/<file>` is stored: its commit's key. */
function pinnedCopy(url: URL, activity: NetworkActivity): string | null {
  const branch = `/${activity.repo}/resolve/main/`;
  if (!activity.revision || url.origin !== HUB_ORIGIN || !url.pathname.startsWith(branch))
    return null;
  return fileKey(activity.repo, url.pathname.slice(branch.length), activity.revision);
}

/**
 * Fetches a model file for whichever user action (load or download of that repo) is running,
 * with that action's AbortSignal, so a cancel stops the transfer mid-file.
 */
export async function fetchModelFile(input: string | URL, init?: RequestInit): Promise<Response> {
  const url = new URL(String(input), self.location.href);
  const activity = activityFor(url);
  const name = url.pathname.split('/').pop() ?? '';
  // A load asks for optional files the download found absent; their absence is the answer.
  if (activity?.reason === 'load' && OPTIONAL_FILES.has(name))
    return new Response(null, { status: 404, statusText: 'Not Found' });
  // transformers.js 4 probes tokenizer_config.json on the default branch whatever revision it
  // loads (get_tokenizer_files ignores the options): a pinned load answers it from its commit.
  const pinned = activity?.reason === 'load' ? pinnedCopy(url, activity) : null;
  if (pinned) {
    const stored = await (await caches.open(CACHE_NAME)).match(pinned);
    if (stored) return stored;
  }
  let pending: Promise<Response>;
  starting = activity;
  try {
    pending = modelFetch(url, activity ? { ...init, signal: activity.signal } : init);
  } finally {
    starting = undefined;
  }
  try {
    return await pending;
  } catch (error) {
    if (error instanceof ModelFileMissingError && OPTIONAL_FILES.has(name))
      return new Response(null, { status: 404, statusText: 'Not Found' });
    throw error;
  }
}

/** Runs `run` while `activity` allows (and is charged for) requests for its repo. */
export async function withNetwork<T>(activity: NetworkActivity, run: () => Promise<T>): Promise<T> {
  activities.add(activity);
  try {
    return await run();
  } finally {
    activities.delete(activity);
  }
}

export function configureNetwork(settings: NetworkSettings): void {
  mirror = settings.mirror;
}

const turn = new MessageChannel();
const waiting: (() => void)[] = [];
turn.port1.onmessage = () => waiting.shift()?.();

/**
 * Resolves in a later task, after messages already queued (an abort) have been handled: a posted
 * message queues behind them, where a microtask or a prioritized scheduler task would not.
 */
export function yieldToEvents(): Promise<void> {
  return new Promise((resolve) => {
    waiting.push(resolve);
    turn.port2.postMessage(null);
  });
}

let configured = false;

export interface RuntimeOptions {
  /** ONNX Runtime's WASM threads; by default modelThreads() for this worker (benchmarks pick). */
  threads?: number;
}

export function configureTransformers(options: RuntimeOptions = {}): void {
  if (configured) return;
  configured = true;
  env.allowLocalModels = false;
  env.allowRemoteModels = true;
  env.remoteHost = `${HUB_ORIGIN}/`;
  env.remotePathTemplate = '{model}/resolve/{revision}/';
  env.useBrowserCache = true;
  env.useCustomCache = false;
  env.cacheKey = CACHE_NAME;
  // Without this transformers.js copies the 27 MB runtime wasm into its model cache (a second copy
  // next to the service worker's precache) and imports the runtime's glue from a blob: URL.
  env.useWasmCache = false;
  const wasm = env.backends.onnx.wasm;
  if (wasm) {
    wasm.wasmPaths = { mjs: ortMjsUrl, wasm: ortWasmUrl };
    // The threaded runtime above starts its own worker threads (same-origin, precached).
    wasm.numThreads =
      options.threads ??
      modelThreads({
        crossOriginIsolated: self.crossOriginIsolated,
        hardwareConcurrency: navigator.hardwareConcurrency,
      });
  }
  env.fetch = fetchModelFile;
}

/**
 * The threads ONNX Runtime's WASM backend runs on. Read after a model loaded, it is what the
 * runtime settled on: it writes 1 back where threads turned out unsupported. Null before
 * configureTransformers() and outside the browser runtime.
 */
export function wasmThreads(): number | null {
  const threads = env.backends.onnx.wasm?.numThreads;
  return typeof threads === 'number' ? threads : null;
}
