// Stores a picked WebLLM model folder in web-llm's caches under hub-shaped keys in the imported
// namespace (`<hub>/imported/<slug>/resolve/main/<file>`), so reload() finds every file in cache and
// the guarded fetch refuses to send such a URL to the network. Nothing here touches the network.
// Each file's SHA-256 is recorded as it is stored, so a later load can tell whether it changed.
import { ModelImportError } from '../../errors';
import { HUB_ORIGIN, IMPORTED_NAMESPACE } from '../net/hosts';
import { sha256OfBlob } from '../file-hash';
import type { InstalledModel, ModelFile, ModelFileHash, WebLlmSpec } from '../types';
import { modelKey } from '../types';
import { storedFileLocation } from '../model-files';
import { modelBaseUrl } from './app-config';
import { isWasmBinary, locateWebLlmFolder, planWebLlmImport } from './import-layout';

function normalise(path: string): string {
  return path.replace(/\\/g, '/').replace(/^\/+/, '');
}

export async function importWebLlmFolder(
  files: ModelFile[],
  onProgress: (done: number, total: number) => void,
): Promise<Omit<InstalledModel, 'installedAt'>> {
  const byPath = new Map(files.map((f) => [normalise(f.path), f.file]));
  const picked = [...byPath].map(([path, file]) => ({ path, sizeBytes: file.size }));
  const folder = locateWebLlmFolder(picked.map((p) => p.path));
  const blob = (path: string) => byPath.get(path) as Blob;
  const plan = planWebLlmImport(
    folder,
    picked,
    await blob(folder.configPath).text(),
    await blob(folder.tensorCachePath).text(),
  );
  const header = new Uint8Array(await blob(folder.wasmPath).slice(0, 4).arrayBuffer());
  if (!isWasmBinary(header))
    throw new ModelImportError(`${folder.wasmPath} is not a WebAssembly model library.`);

  const modelUrl = `${HUB_ORIGIN}/${IMPORTED_NAMESPACE}/${folder.slug}`;
  const base = modelBaseUrl(modelUrl);
  const wasm = plan.files.find((f) => f.scope === 'wasm');
  const spec: WebLlmSpec = {
    engine: 'webllm',
    modelId: `imported-${folder.slug}`,
    modelUrl,
    modelLibUrl: new URL(wasm?.name ?? '', base).href,
    vramMB: null,
    contextWindow: plan.contextWindow,
    requiresF16: plan.requiresF16,
  };
  const written: { scope: string; url: string }[] = [];
  const hashes: ModelFileHash[] = [];
  try {
    for (const [i, file] of plan.files.entries()) {
      // The place a restore of this model puts the file back at, so both agree to the header.
      const { cache, url, contentType } = storedFileLocation(spec, file.name);
      const body = blob(file.path);
      hashes.push({ path: file.name, ...(await sha256OfBlob(body)) });
      const headers = { 'content-type': contentType, 'content-length': `${body.size}` };
      await (await caches.open(cache)).put(url, new Response(body, { headers }));
      written.push({ scope: cache, url });
      onProgress(i + 1, plan.files.length);
    }
  } catch (error) {
    // A half-imported model would look installed to nobody and waste space: take it back out.
    for (const entry of written) await (await caches.open(entry.scope)).delete(entry.url);
    throw error;
  }

  return {
    key: modelKey(spec),
    name: `${folder.slug} (imported)`,
    spec,
    source: 'import',
    sizeBytes: plan.totalBytes,
    complete: true,
    pin: { files: hashes, pinnedAt: Date.now(), how: 'import' },
  };
}
