// Validation of a picked WebLLM model folder, pure so it is tested without a browser. A folder holds
// mlc-chat-config.json, tensor-cache.json (ndarray-cache.json in older MLC builds: same format), every
// shard that file lists, the tokenizer file web-llm reads, and exactly one model library (.wasm).
// Every failure is a ModelImportError naming the file.
import { ModelImportError } from '../../errors';

export interface PickedFile {
  path: string;
  sizeBytes: number;
}

export type ImportScope = 'config' | 'model' | 'wasm';

export interface WebLlmFolder {
  /** Folder of mlc-chat-config.json inside the picked paths ('' when at the top). */
  root: string;
  slug: string;
  configPath: string;
  tensorCachePath: string;
  wasmPath: string;
}

export interface WebLlmImportPlan {
  /** Each file to store: where it was picked, its name under the model URL, its cache. */
  files: { path: string; name: string; scope: ImportScope }[];
  contextWindow: number | null;
  requiresF16: boolean;
  totalBytes: number;
}

const CONFIG = 'mlc-chat-config.json';
const TENSOR_CACHES = ['tensor-cache.json', 'ndarray-cache.json'];

function baseName(path: string): string {
  return path.split('/').pop() ?? path;
}

function dirName(path: string): string {
  const at = path.lastIndexOf('/');
  return at < 0 ? '' : path.slice(0, at);
}

function within(root: string, path: string): string | null {
  if (!root) return path;
  return path.startsWith(`${root}/`) ? path.slice(root.length + 1) : null;
}

export function slugify(name: string): string {
  const slug = name.replace(/\.wasm$/, '').replace(/[^A-Za-z0-9._-]+/g, '-');
  return slug.replace(/^[-.]+|[-.]+$/g, '') || 'model';
}

/** Finds the model folder among the picked paths (normalised to '/' separators). */
export function locateWebLlmFolder(paths: string[]): WebLlmFolder {
  const configs = paths.filter((p) => baseName(p) === CONFIG);
  if (configs.length === 0)
    throw new ModelImportError(`The folder has no ${CONFIG}: it is not a WebLLM (MLC) model.`);
  const configPath = configs.reduce((a, b) => (a.split('/').length <= b.split('/').length ? a : b));
  const root = dirName(configPath);
  const inRoot = paths.filter((p) => within(root, p) !== null);
  const tensorCachePath = TENSOR_CACHES.map((name) => (root ? `${root}/${name}` : name)).find((p) =>
    inRoot.includes(p),
  );
  if (!tensorCachePath)
    throw new ModelImportError(
      `The folder has no tensor-cache.json (or ndarray-cache.json) listing the weight shards.`,
    );
  const wasms = inRoot.filter((p) => p.endsWith('.wasm'));
  if (wasms.length === 0)
    throw new ModelImportError('The folder has no model library (.wasm file) for WebGPU.');
  if (wasms.length > 1)
    throw new ModelImportError(
      `The folder has several .wasm files (${wasms.map(baseName).join(', ')}): keep only the model library.`,
    );
  const wasmPath = wasms[0] as string;
  return {
    root,
    slug: slugify(root ? baseName(root) : baseName(wasmPath)),
    configPath,
    tensorCachePath,
    wasmPath,
  };
}

function parseJson(name: string, text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ModelImportError(`${name} is not valid JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw new ModelImportError(`${name} is not a JSON object.`);
  return value as Record<string, unknown>;
}

function tokenizerFileFor(config: Record<string, unknown>): string {
  const listed = config.tokenizer_files;
  if (!Array.isArray(listed) || !listed.every((f) => typeof f === 'string'))
    throw new ModelImportError(`${CONFIG} has no tokenizer_files list.`);
  // web-llm reads tokenizer.json when listed, else tokenizer.model (asyncLoadTokenizer).
  const file = ['tokenizer.json', 'tokenizer.model'].find((f) => listed.includes(f));
  if (!file)
    throw new ModelImportError(`${CONFIG} names neither tokenizer.json nor tokenizer.model.`);
  return file;
}

function shardsOf(name: string, cache: Record<string, unknown>) {
  const records = cache.records;
  if (!Array.isArray(records) || records.length === 0)
    throw new ModelImportError(`${name} lists no weight shards (“records”).`);
  return records.map((r: unknown, i) => {
    const { dataPath, nbytes } = (r ?? {}) as { dataPath?: unknown; nbytes?: unknown };
    if (typeof dataPath !== 'string' || typeof nbytes !== 'number')
      throw new ModelImportError(`${name}: shard ${i} has no dataPath or nbytes.`);
    return { dataPath, nbytes };
  });
}

/** Checks the two index files against the picked files and lists what to store. */
export function planWebLlmImport(
  folder: WebLlmFolder,
  picked: PickedFile[],
  configText: string,
  tensorCacheText: string,
): WebLlmImportPlan {
  const config = parseJson(CONFIG, configText);
  if (!('conv_template' in config))
    throw new ModelImportError(`${CONFIG} has no conv_template: it is not a chat model config.`);
  const cacheName = baseName(folder.tensorCachePath);
  const shards = shardsOf(cacheName, parseJson(cacheName, tensorCacheText));
  const byName = new Map<string, PickedFile>();
  for (const file of picked) {
    const name = within(folder.root, file.path);
    if (name !== null) byName.set(name, file);
  }
  const need = (name: string, why: string): PickedFile => {
    const file = byName.get(name);
    if (!file) throw new ModelImportError(`The folder is missing ${name} (${why}).`);
    return file;
  };

  const tokenizer = tokenizerFileFor(config);
  const files: WebLlmImportPlan['files'] = [
    { path: folder.configPath, name: CONFIG, scope: 'config' },
    // Stored under web-llm 0.2.86's name whichever name the folder used.
    { path: folder.tensorCachePath, name: 'tensor-cache.json', scope: 'model' },
    { path: need(tokenizer, `named in ${CONFIG}`).path, name: tokenizer, scope: 'model' },
  ];
  for (const shard of shards) {
    const file = need(shard.dataPath, `listed in ${cacheName}`);
    if (file.sizeBytes !== shard.nbytes)
      throw new ModelImportError(
        `${shard.dataPath} is ${file.sizeBytes} bytes but ${cacheName} says ${shard.nbytes}: the copy is incomplete.`,
      );
    files.push({ path: file.path, name: shard.dataPath, scope: 'model' });
  }
  files.push({ path: folder.wasmPath, name: baseName(folder.wasmPath), scope: 'wasm' });

  const sizes = new Map(picked.map((f) => [f.path, f.sizeBytes]));
  const window = config.context_window_size;
  const quantization = typeof config.quantization === 'string' ? config.quantization : '';
  return {
    files,
    contextWindow: typeof window === 'number' && window > 0 ? window : null,
    requiresF16: /f16/.test(quantization || baseName(folder.wasmPath)),
    totalBytes: files.reduce((sum, f) => sum + (sizes.get(f.path) ?? 0), 0),
  };
}

/** A WebAssembly binary starts with "\0asm". */
export function isWasmBinary(header: Uint8Array): boolean {
  return header[0] === 0x00 && header[1] === 0x61 && header[2] === 0x73 && header[3] === 0x6d;
}
