// A WebLLM model folder as a user would import it, made up at test time (one tiny shard: enough
// for the importer and for moving files around, not for inference), and web-llm's caches as read
// back from the page.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cacheEntries, type CachedEntry, type ModelsPage } from './pages/models-page';

const WEBLLM_CACHES = ['webllm/config', 'webllm/model', 'webllm/wasm'];

/** Every entry of web-llm's three caches, with the cache it is in (web-llm looks in only one). */
export async function webLlmCacheEntries(
  page: ModelsPage['page'],
): Promise<(CachedEntry & { cache: string })[]> {
  const all = await Promise.all(
    WEBLLM_CACHES.map(async (cache) =>
      (await cacheEntries(page, cache)).map((entry) => ({ ...entry, cache })),
    ),
  );
  return all.flat();
}

export interface FakeFolder {
  dir: string;
  sizeBytes: number;
}

/** A WebLLM model folder with one tiny shard: enough for the importer, not for inference. */
export function fakeWebLlmFolder(
  parent: string,
  options: { missingShard?: string } = {},
): FakeFolder {
  const dir = path.join(parent, 'fake-mlc');
  rmSync(parent, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const shard = Buffer.alloc(64, 7);
  const records = [
    { dataPath: 'params_shard_0.bin', format: 'raw-shard', nbytes: 64, records: [] },
  ];
  if (options.missingShard)
    records.push({ dataPath: options.missingShard, format: 'raw-shard', nbytes: 64, records: [] });
  const files: Record<string, string | Buffer> = {
    'mlc-chat-config.json': JSON.stringify({
      model_type: 'llama',
      quantization: 'q4f32_1',
      context_window_size: 2048,
      conv_template: { name: 'llama-3', system_template: '{system_message}' },
      tokenizer_files: ['tokenizer.json'],
    }),
    'tensor-cache.json': JSON.stringify({ metadata: { ParamSize: 1, ParamBytes: 64 }, records }),
    'params_shard_0.bin': shard,
    'tokenizer.json': JSON.stringify({ version: '1.0', model: { type: 'BPE', vocab: {} } }),
    'fake-q4f32_1-webgpu.wasm': Buffer.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]),
  };
  let sizeBytes = 0;
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(path.join(dir, name), content);
    sizeBytes += Buffer.byteLength(content);
  }
  return { dir, sizeBytes };
}
