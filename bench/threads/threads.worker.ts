// One side of the threads bench: the embedder Hearth loads (configureTransformers + loadEmbedder,
// WASM), with ONNX Runtime started on `threads` threads (null: Hearth's own choice, modelThreads).
// Answers `load` once, then `embed` calls, each timed here around embed() alone.
import {
  configureTransformers,
  wasmThreads,
  withNetwork,
} from '../../src/lib/llm/transformers/runtime';
import { loadEmbedder } from '../../src/lib/llm/transformers/embedder';
import { modelKey, modelRole, type TransformersSpec } from '../../src/lib/llm/types';
import { listInstalledModels } from '../../src/lib/db/models-repo';
import type { TextEmbedder } from '../../src/lib/search/embedding-types';

export type ThreadsRequest =
  | { kind: 'load'; threads: number | null; texts: string[]; tokens: number }
  | { kind: 'embed'; texts: string[] };

let embedder: TextEmbedder | null = null;

async function installedSpec(): Promise<TransformersSpec> {
  const models = (await listInstalledModels()).filter(
    (m) => m.complete && modelRole(m.spec) === 'embedding',
  );
  if (models.length !== 1)
    throw new Error(`expected one embedding model installed, found ${models.length}`);
  return { ...(models[0]!.spec as TransformersSpec), device: 'wasm' };
}

/** The longest word prefix of `text` that is at most `tokens` tokens. */
function cut(model: TextEmbedder, text: string, tokens: number): string {
  const words = text.split(/\s+/).filter(Boolean);
  let lo = 1;
  let hi = words.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (model.countTokens(words.slice(0, mid).join(' ')) <= tokens) lo = mid;
    else hi = mid - 1;
  }
  return words.slice(0, lo).join(' ');
}

async function handle(request: ThreadsRequest): Promise<unknown> {
  if (request.kind === 'load') {
    configureTransformers(request.threads === null ? {} : { threads: request.threads });
    const spec = await installedSpec();
    const started = performance.now();
    embedder = await loadEmbedder(spec, { network: withNetwork, threads: wasmThreads });
    const loadMs = performance.now() - started;
    const texts = request.texts.map((t) => cut(embedder!, t, request.tokens));
    return {
      model: modelKey(spec),
      crossOriginIsolated: self.crossOriginIsolated,
      hardwareConcurrency: navigator.hardwareConcurrency,
      asked: request.threads,
      // What the runtime settled on, as the embedder reports it to Hearth.
      threads: embedder.threads,
      loadMs,
      texts,
      tokens: texts.map((t) => embedder!.countTokens(t)),
    };
  }
  if (!embedder) throw new Error('embed before load');
  const started = performance.now();
  await embedder.embed(request.texts, 'passage');
  return performance.now() - started;
}

addEventListener('message', ({ data }: MessageEvent<ThreadsRequest>) => {
  handle(data).then(
    (result) => postMessage({ kind: 'done', result }),
    (error: unknown) =>
      postMessage({ kind: 'error', error: error instanceof Error ? error.message : String(error) }),
  );
});
