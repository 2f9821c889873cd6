// Imports a picked model folder into the transformers.js cache under
// `https://huggingface.co/imported/<slug>/resolve/main/<path>`: transformers.js then loads it like
// a downloaded model, and the model fetch refuses to send such a URL to the network. A folder with
// a chat template is a chat model; an encoder without one is an embedding model. Each file's
// SHA-256 is recorded as it is stored, so a later load can tell whether it changed.
import { ModelImportError } from '../../errors';
import { HUB_ORIGIN, IMPORTED_NAMESPACE } from '../net/hosts';
import { sha256OfBlob } from '../file-hash';
import {
  modelKey,
  type InstalledModel,
  type ModelFile,
  type ModelFileHash,
  type TransformersSpec,
} from '../types';
import { assertFits, fileKey, openModelCache, putFile } from './cache-files';
import { embeddingSpecFromFiles } from './import-embedding';
import {
  configWithExternalData,
  contentTypeFor,
  isPlausibleOnnxHeader,
  planImport,
  slugify,
  uniqueSlug,
  validateTexts,
} from './import-validate';

async function takenSlugs(cache: Cache): Promise<Set<string>> {
  const prefix = `${HUB_ORIGIN}/${IMPORTED_NAMESPACE}/`;
  const slugs = new Set<string>();
  for (const request of await cache.keys()) {
    if (request.url.startsWith(prefix))
      slugs.add(request.url.slice(prefix.length).split('/')[0] ?? '');
  }
  return slugs;
}

async function assertOnnx(path: string, file: Blob): Promise<void> {
  if (file.size === 0) throw new ModelImportError(`“${path}” is empty.`);
  const head = new Uint8Array(await file.slice(0, 1).arrayBuffer());
  if (!isPlausibleOnnxHeader(head))
    throw new ModelImportError(`“${path}” is not an ONNX model file (it does not start like one).`);
}

export async function importModelFolder(
  files: ModelFile[],
  onProgress: (doneBytes: number, totalBytes: number) => void,
): Promise<Omit<InstalledModel, 'installedAt'>> {
  const plan = planImport(files.map((f) => f.path));
  const fileAt = (path: string): Blob | null => {
    const index = plan.keep.get(path);
    return index === undefined ? null : (files[index]?.file ?? null);
  };
  const text = async (path: string) => (await fileAt(path)?.text()) ?? null;
  const configText = (await text('config.json')) ?? '';
  const { tokenizerConfig, role } = validateTexts({
    config: configText,
    tokenizer: (await text('tokenizer.json')) ?? '',
    tokenizerConfig: (await text('tokenizer_config.json')) ?? '',
    chatTemplateJinja: await text('chat_template.jinja'),
  });
  const poolingFile = plan.poolingConfig === null ? null : files[plan.poolingConfig]?.file;
  const embeddingSpec =
    role === 'embedding'
      ? embeddingSpecFromFiles(configText, (await poolingFile?.text()) ?? null, plan.folderName)
      : null;
  await assertOnnx(plan.onnxFile, fileAt(plan.onnxFile) ?? new Blob());
  for (const [path] of plan.keep) {
    if (path.includes('.onnx_data') && fileAt(path)?.size === 0)
      throw new ModelImportError(`“${path}” is empty.`);
  }

  const bodies = new Map<string, Blob>();
  for (const [path] of plan.keep) bodies.set(path, fileAt(path) ?? new Blob());
  bodies.set('config.json', new Blob([configWithExternalData(configText, plan)]));
  bodies.set('tokenizer_config.json', new Blob([tokenizerConfig]));
  const totalBytes = [...bodies.values()].reduce((sum, b) => sum + b.size, 0);
  await assertFits(totalBytes, 'This model');

  const cache = await openModelCache();
  const taken = await takenSlugs(cache);
  const slug = uniqueSlug(slugify(plan.folderName ?? 'imported-model'), (s) => taken.has(s));
  const repo = `${IMPORTED_NAMESPACE}/${slug}`;
  let doneBytes = 0;
  const hashes: ModelFileHash[] = [];
  onProgress(0, totalBytes);
  try {
    for (const [path, body] of bodies) {
      hashes.push({ path, ...(await sha256OfBlob(body)) });
      await putFile(cache, repo, path, body, contentTypeFor(path));
      doneBytes += body.size;
      onProgress(doneBytes, totalBytes);
    }
  } catch (error) {
    // A half-imported model would look installed to nobody and waste space: drop what was stored.
    await Promise.all([...bodies.keys()].map((path) => cache.delete(fileKey(repo, path))));
    throw error;
  }

  const config = JSON.parse(configText) as { max_position_embeddings?: unknown };
  const base = { engine: 'transformers', repo, dtype: plan.dtype, device: 'wasm' } as const;
  const spec: TransformersSpec = embeddingSpec
    ? { ...base, contextWindow: embeddingSpec.maxTokens, embedding: embeddingSpec }
    : {
        ...base,
        contextWindow:
          typeof config.max_position_embeddings === 'number'
            ? config.max_position_embeddings
            : null,
      };
  return {
    key: modelKey(spec),
    name: plan.folderName ?? slug,
    spec,
    source: 'import',
    sizeBytes: totalBytes,
    complete: true,
    pin: { files: hashes, pinnedAt: Date.now(), how: 'import' },
  };
}
