// The "raw model" side of the ingest bench: the same embedder Hearth loads (loadEmbedder, same
// runtime setup, WASM), fed the exact chunk texts the pipeline embedded, in the pipeline's order
// (by label) and batch size, with nothing else around it: no job queue, no IndexedDB writes, no
// quantization, no yields. The first batch is a warm-up on both sides and is not timed.
import { configureTransformers, withNetwork } from '../../src/lib/llm/transformers/runtime';
import { loadEmbedder } from '../../src/lib/llm/transformers/embedder';
import { modelKey, modelRole, type TransformersSpec } from '../../src/lib/llm/types';
import { listInstalledModels } from '../../src/lib/db/models-repo';
import { liveNoteIds, readNotesForIndex } from '../../src/lib/db/search-source';
import { getDb } from '../../src/lib/db/db';
import { chunkNote } from '../../src/lib/search/chunker';
import { chunkOptionsFor } from '../../src/lib/search/indexer';
import type { TextEmbedder } from '../../src/lib/search/embedding-types';

interface Config {
  /** Chunks per embed() call: the indexer's batch size. */
  batch: number;
}

const round = (x: number, digits = 1) => +x.toFixed(digits);
const log = (text: string) => postMessage({ kind: 'log', text });

/** The embedding model the app imported (the only one installed in this profile). */
async function installedSpec(): Promise<TransformersSpec> {
  const models = (await listInstalledModels()).filter(
    (m) => m.complete && modelRole(m.spec) === 'embedding',
  );
  if (models.length !== 1)
    throw new Error(`expected one embedding model installed, found ${models.length}`);
  return { ...(models[0]!.spec as TransformersSpec), device: 'wasm' };
}

/** Every chunk's embedded text, ordered by the label the indexer gave it (its embedding order). */
async function chunkTexts(embedder: TextEmbedder): Promise<string[]> {
  const notes = await readNotesForIndex(await liveNoteIds());
  const byKey = new Map<string, string>();
  for (const note of notes) {
    const chunks = chunkNote(note.content, chunkOptionsFor(embedder, note.title));
    chunks.forEach((c, seq) => byKey.set(`${note.id}#${seq}`, c.embedText));
  }
  const stored = await getDb()
    .chunks.where('[modelId+label]')
    .between([embedder.modelId, -Infinity], [embedder.modelId, Infinity])
    .toArray();
  const texts = stored.map((c) => byKey.get(`${c.noteId}#${c.seq}`));
  const missing = texts.filter((t) => t === undefined).length;
  if (missing > 0 || stored.length !== byKey.size)
    throw new Error(
      `chunks differ from the pipeline's: ${stored.length} stored, ${byKey.size} re-chunked, ${missing} unmatched`,
    );
  return texts as string[];
}

/** Embeds `texts` in calls of `size`; the first call is the warm-up, excluded like the pipeline's. */
async function timeCalls(embedder: TextEmbedder, texts: string[], size: number) {
  const calls: string[][] = [];
  for (let i = 0; i < texts.length; i += size) calls.push(texts.slice(i, i + size));
  const [warmup, ...timed] = calls;
  let started = performance.now();
  await embedder.embed(warmup!, 'passage');
  const warmupMs = performance.now() - started;
  const perChunkMs: number[] = [];
  started = performance.now();
  for (const call of timed) {
    const callStarted = performance.now();
    await embedder.embed(call, 'passage');
    perChunkMs.push((performance.now() - callStarted) / call.length);
  }
  const ms = performance.now() - started;
  perChunkMs.sort((a, b) => a - b);
  const chunks = texts.length - warmup!.length;
  return {
    callSize: size,
    warmupMs: round(warmupMs),
    timedChunks: chunks,
    ms: round(ms),
    chunksPerS: round((chunks * 1000) / ms, 2),
    medianMsPerChunk: perChunkMs.length ? round(perChunkMs[perChunkMs.length >> 1]!) : null,
  };
}

async function run(config: Config) {
  configureTransformers();
  const spec = await installedSpec();
  let started = performance.now();
  const embedder = await loadEmbedder(spec, { network: withNetwork });
  const loadMs = performance.now() - started;
  started = performance.now();
  const texts = await chunkTexts(embedder);
  const chunkMs = performance.now() - started;
  log(`raw model: ${texts.length} chunks, load ${Math.round(loadMs)} ms`);
  const tokens = texts.map((t) => embedder.countTokens(t));
  const atIndexerBatch = await timeCalls(embedder, texts, config.batch);
  log(`raw model: ${atIndexerBatch.chunksPerS} chunks/s in calls of ${config.batch}`);
  await embedder.dispose();
  return {
    model: modelKey(spec),
    crossOriginIsolated: self.crossOriginIsolated,
    loadMs: round(loadMs),
    chunks: texts.length,
    meanTokensPerChunk: round(tokens.reduce((a, b) => a + b, 0) / tokens.length),
    rechunkMs: round(chunkMs),
    ...atIndexerBatch,
  };
}

addEventListener('message', ({ data }: MessageEvent<Config>) => {
  run(data).then(
    (result) => postMessage({ kind: 'done', result }),
    (error: unknown) =>
      postMessage({ kind: 'error', error: error instanceof Error ? error.message : String(error) }),
  );
});
postMessage({ kind: 'ready' });
