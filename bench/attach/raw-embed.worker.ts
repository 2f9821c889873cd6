// The "raw model" side of the attachment bench: the embedder the memory worker loads (loadEmbedder,
// same runtime setup, the device the app remembered for it), fed the exact texts indexAttachment
// embedded (embedText of each stored piece, in docsAndChunksOf's order) in calls of the same size,
// with nothing else around it: no RPC, no queue, no quantizing, no IndexedDB writes. The first
// call is a warm-up on both sides and is not timed.
import { configureTransformers, withNetwork } from '../../src/lib/llm/transformers/runtime';
import { loadEmbedder } from '../../src/lib/llm/transformers/embedder';
import { modelKey, modelRole, type TransformersSpec } from '../../src/lib/llm/types';
import { listInstalledModels, readSetting } from '../../src/lib/db/models-repo';
import { docsAndChunksOf } from '../../src/lib/db/chat-attachments-repo';
import { getDb } from '../../src/lib/db/db';
import { embedText } from '../../src/lib/attachments/index-attachment';

export interface RawEmbedConfig {
  /** The attachment (by its name in the tray) whose pieces the app indexed. */
  name: string;
  /** Pieces per embed() call: index-attachment.ts `batchSize`. */
  batch: number;
}

const round = (x: number, digits = 1) => +x.toFixed(digits);

async function installedSpec(): Promise<TransformersSpec> {
  const models = (await listInstalledModels()).filter(
    (m) => m.complete && modelRole(m.spec) === 'embedding',
  );
  if (models.length !== 1)
    throw new Error(`expected one embedding model installed, found ${models.length}`);
  const spec = models[0]!.spec as TransformersSpec;
  const remembered = await readSetting<{ device: 'wasm' | 'webgpu' } | null>(
    `memory.device:${modelKey(spec)}`,
    null,
  );
  return { ...spec, device: remembered?.device ?? 'wasm' };
}

async function pieceTexts(name: string, modelId: string): Promise<string[]> {
  const attachment = (await getDb().chatAttachments.toArray()).find((a) => a.name === name);
  if (!attachment) throw new Error(`no attachment named ${name}`);
  if (attachment.indexedBy !== modelId)
    throw new Error(`attachment indexed by ${attachment.indexedBy}, not ${modelId}`);
  const { docs, chunks } = await docsAndChunksOf(attachment.id);
  const docById = new Map(docs.map((doc) => [doc.id, doc]));
  return chunks.map((chunk) => embedText(docById.get(chunk.docId)!, chunk));
}

async function run({ name, batch }: RawEmbedConfig) {
  configureTransformers();
  const spec = await installedSpec();
  let started = performance.now();
  const embedder = await loadEmbedder(spec, { network: withNetwork });
  const loadMs = performance.now() - started;
  const texts = await pieceTexts(name, embedder.modelId);
  const calls: string[][] = [];
  for (let i = 0; i < texts.length; i += batch) calls.push(texts.slice(i, i + batch));
  const [warmup, ...rest] = calls;
  started = performance.now();
  await embedder.embed(warmup!, 'passage');
  const warmupMs = performance.now() - started;
  const perChunkMs: number[] = [];
  started = performance.now();
  for (const call of rest) {
    const callStarted = performance.now();
    await embedder.embed(call, 'passage');
    perChunkMs.push((performance.now() - callStarted) / call.length);
  }
  const ms = performance.now() - started;
  perChunkMs.sort((a, b) => a - b);
  const timedChunks = texts.length - warmup!.length;
  const tokens = texts.map((t) => embedder.countTokens(t));
  await embedder.dispose();
  return {
    model: modelKey(spec),
    device: embedder.device,
    loadMs: round(loadMs),
    chunks: texts.length,
    meanTokensPerChunk: round(tokens.reduce((a, b) => a + b, 0) / tokens.length),
    callSize: batch,
    warmupMs: round(warmupMs),
    timedChunks,
    ms: round(ms),
    chunksPerS: round((timedChunks * 1000) / ms, 2),
    medianMsPerChunk: perChunkMs.length ? round(perChunkMs[perChunkMs.length >> 1]!, 2) : null,
  };
}

addEventListener('message', ({ data }: MessageEvent<RawEmbedConfig>) => {
  run(data).then(
    (result) => postMessage({ kind: 'done', result }),
    (error: unknown) =>
      postMessage({ kind: 'error', error: error instanceof Error ? error.message : String(error) }),
  );
});
postMessage({ kind: 'ready' });
