// The models on this device and the one that is loaded. Chat asks `ensureLoaded(key)` and gets an
// engine holding that model, with every other model unloaded first (only what fits stays loaded).
// The model workers are imported and started only on first need, never on the app's start path.
import {
  forgetInstalledModel,
  listInstalledModels,
  observeInstalledModels,
  saveFileCheck,
  saveInstalledModel,
} from '../db/models-repo';
import { errorMessage, HearthError, NotFoundError } from '../errors';
import { detectModelFolder, rerootFiles } from '../llm/import-detect';
import { entryForInstalled } from '../llm/installed-entry';
import { checkBeforeLoad } from '../llm/load-check';
import { recordProblem } from '../llm/spec-check';
import { assertFits } from '../llm/storage-check';
import type {
  CatalogEntry,
  InstalledModel,
  LlmEngine,
  LoadProgress,
  ModelFile,
} from '../llm/types';
import { modelRole, wasInstalled } from '../llm/types';
import { ModelCatalog } from './model-catalog.svelte';
import { networkPolicy } from './network-policy.svelte';
import { networkSettings } from './network-settings.svelte';
import { downloadOrigins } from '../llm/net/download-sources';
import { ModelDownloads, storageEstimate } from './model-downloads.svelte';
import { ModelUpdates } from './model-updates.svelte';
import { formatBytes } from '../format-bytes';

type EngineWorkers = typeof import('./engine-workers');
let loadedWorkers: EngineWorkers | null = null;

async function workers(): Promise<EngineWorkers> {
  if (loadedWorkers) return loadedWorkers;
  const module = await import('./engine-workers');
  if (!loadedWorkers) {
    loadedWorkers = module;
    module.onEngineLost((kind) => models.engineLost(kind));
  }
  return module;
}

class Models {
  #installed = $state.raw<InstalledModel[]>([]);
  #listed = $state(false);
  #loaded = $state.raw<InstalledModel | null>(null);
  /** What the engine reported for the model in `#loaded` (read only while one is loaded). */
  #loadedThreads = $state<number | null>(null);
  #loading = $state.raw<{ key: string; progress: LoadProgress } | null>(null);
  #watching = false;
  #started: Promise<void> | null = null;
  #queue: Promise<unknown> = Promise.resolve();
  /** Model switches queued or running. */
  #switching = 0;
  /** Per model: why it needs attention (files gone since the last visit). */
  problems = $state.raw<Record<string, string>>({});
  /** True once the installed models' files have been checked against the caches this session. */
  filesChecked = $state(false);
  importing = $state.raw<{ done: number; total: number } | null>(null);
  readonly catalog = new ModelCatalog();
  readonly downloads = new ModelDownloads({
    engineHoldsModel: (kind) =>
      this.#loaded?.spec.engine === kind || this.#loading?.key.startsWith(`${kind}:`) === true,
    existing: (key) => this.#installed.find((m) => m.key === key),
  });
  readonly updates = new ModelUpdates({
    engineFor: async (kind) => (await workers()).engineFor(kind),
    download: (entry) => this.downloads.start(entry),
    entryFor: (model) => this.catalog.find(model.key) ?? entryForInstalled(model),
    openFor: (model) =>
      networkPolicy.allowDownload({
        modelKey: model.key,
        purpose: `check for an update of ${model.name}`,
        origins: downloadOrigins(model.spec, networkSettings.mirror),
      }),
  });

  /** The stored list is read (and followed) from the first time anyone asks for it. */
  #watch(): void {
    if (this.#watching) return;
    this.#watching = true;
    observeInstalledModels((rows) => {
      this.#installed = rows;
      this.#listed = true;
    });
  }

  get installed(): InstalledModel[] {
    this.#watch();
    return this.#installed;
  }

  /**
   * False until the stored list was read once: before that, an empty `installed` means "not read
   * yet", and saying "No models yet" then misleads (a user, and a test, once took it for real).
   */
  get listed(): boolean {
    this.#watch();
    return this.#listed;
  }
  /** Installed models that can answer (embedding models serve semantic memory instead). */
  get chatModels(): InstalledModel[] {
    return this.installed.filter((m) => modelRole(m.spec) === 'chat');
  }
  get loadedKey(): string | null {
    return this.#loaded?.key ?? null;
  }
  /** ONNX Runtime's WASM threads the loaded chat model runs on: null when none, or on the GPU. */
  get loadedThreads(): number | null {
    return this.#loaded ? this.#loadedThreads : null;
  }
  get loading(): { key: string; progress: LoadProgress } | null {
    return this.#loading;
  }
  get totalBytes(): number {
    return this.installed.reduce((sum, m) => sum + m.sizeBytes, 0);
  }

  /** Starts the Models view's work once: device probe, catalogs, and a check of installed files. */
  start(): Promise<void> {
    this.#started ??= Promise.all([
      this.catalog.refreshProbe(),
      this.catalog.load(),
      this.#reconcile(),
    ]).then(() => undefined);
    return this.#started;
  }

  /** Rows whose files were cleared (by the browser or the user) since they were recorded. */
  async #reconcile(): Promise<void> {
    const { engineFor } = await workers();
    // Each problem is shown as soon as it is found, never from a list gathered earlier: a model
    // imported again meanwhile has cleared its problem, and must not get it back.
    const report = (key: string, problem: string) =>
      (this.problems = { ...this.problems, [key]: problem });
    for (const row of await listInstalledModels()) {
      if (this.downloads.isRunning(row.key)) continue;
      const invalid = recordProblem(row);
      // A record that is not valid is never turned into cache keys; a load refuses it, named.
      if (invalid) {
        report(row.key, invalid);
        continue;
      }
      try {
        const engine = await engineFor(row.spec.engine);
        const [present, sizeBytes] = await Promise.all([
          engine.isInstalled(row.spec),
          engine.sizeOnDisk(row.spec),
        ]);
        const changed = present !== row.complete || sizeBytes !== row.sizeBytes;
        const current = !changed || (await saveFileCheck(row, { complete: present, sizeBytes }));
        if (current && wasInstalled(row) && !present)
          report(
            row.key,
            row.source === 'import'
              ? 'Files missing — import the folder again.'
              : 'Files missing — download again.',
          );
      } catch (error) {
        report(row.key, `Couldn't check its files: ${errorMessage(error)}`);
      }
    }
    this.filesChecked = true;
  }

  /** Runs model switches one at a time, so two callers never interleave unload and load. */
  #serial<T>(run: () => Promise<T>): Promise<T> {
    this.#switching++;
    const next = this.#queue.then(run, run).finally(() => this.#switching--);
    this.#queue = next.catch(() => undefined);
    return next;
  }

  /**
   * The engine holding `key` when it is loaded and no switch is queued, else null. Synchronous, so
   * the usual case (asking the loaded model again) sends the request before anything renders.
   */
  readyEngine(key: string): LlmEngine | null {
    if (this.#loaded?.key !== key || this.#loading || this.#switching) return null;
    return loadedWorkers?.runningEngine(this.#loaded.spec.engine) ?? null;
  }

  ensureLoaded(key: string, signal?: AbortSignal): Promise<LlmEngine> {
    const ready = this.readyEngine(key);
    if (ready) return Promise.resolve(ready);
    return this.#serial(async () => {
      const model =
        this.#installed.find((m) => m.key === key) ??
        (await listInstalledModels()).find((m) => m.key === key);
      if (!model)
        throw new NotFoundError(
          `That model is not on this device. Download or import it on the Models page.`,
        );
      if (!model.complete)
        throw new HearthError(
          `${model.name} is not fully downloaded. Finish it on the Models page.`,
        );
      const { engineFor, restartEngine, runningEngine } = await workers();
      const engine = await engineFor(model.spec.engine);
      if (this.#loaded?.key === key) return engine;
      await this.#unloadCurrent(runningEngine);
      this.#loading = {
        key,
        progress: {
          phase: 'load',
          fraction: 0,
          loadedBytes: null,
          totalBytes: null,
          text: 'Checking the model’s files…',
        },
      };
      try {
        // Refuses a changed file or an invalid record before the library sees the model.
        const pinned = await checkBeforeLoad(model, engine);
        if (pinned) await saveInstalledModel(pinned);
        signal?.throwIfAborted();
        const report = await engine.load(
          model.spec,
          (progress) => (this.#loading = { key, progress }),
          signal,
        );
        this.#loadedThreads = report.threads;
        this.#loaded = model;
        return engine;
      } catch (error) {
        // The library may keep loading after an abort; stopping its worker frees that memory.
        if (signal?.aborted) restartEngine(model.spec.engine);
        throw error;
      } finally {
        this.#loading = null;
      }
    });
  }

  async #unloadCurrent(
    runningEngine: (kind: InstalledModel['spec']['engine']) => LlmEngine | undefined,
  ) {
    const current = this.#loaded;
    if (!current) return;
    this.#loaded = null;
    await runningEngine(current.spec.engine)?.unload();
  }

  unload(): Promise<void> {
    return this.#serial(async () => this.#unloadCurrent((await workers()).runningEngine));
  }

  engineLost(kind: InstalledModel['spec']['engine']): void {
    if (this.#loaded?.spec.engine === kind) this.#loaded = null;
  }

  download(entry: CatalogEntry): Promise<void> {
    return this.downloads.start(entry);
  }
  cancel(key: string): Promise<void> {
    return this.downloads.cancel(key);
  }
  retry(key: string): Promise<void> {
    return this.downloads.retry(key);
  }
  /** Continues a partial download recorded before a reload. */
  resume(key: string): Promise<void> {
    const model = this.installed.find((m) => m.key === key);
    if (!model) return Promise.resolve();
    return this.downloads.start(this.catalog.find(key) ?? entryForInstalled(model));
  }
  addCustom(repo: string, dtype: string): Promise<CatalogEntry> {
    return this.catalog.addCustom(repo, dtype);
  }

  /** Deletes the model's files and its record; resolves to the bytes freed. */
  async remove(key: string): Promise<number> {
    const model = this.installed.find((m) => m.key === key);
    if (!model) throw new NotFoundError('That model is not on this device any more.');
    return this.#remove(model);
  }

  /** Deletes every installed model (as stored, not as last shown); resolves to the bytes freed. */
  async removeAll(): Promise<number> {
    let freed = 0;
    for (const model of await listInstalledModels()) freed += await this.#remove(model);
    return freed;
  }

  async #remove(model: InstalledModel): Promise<number> {
    const { key } = model;
    await this.downloads.cancel(key);
    if (this.#loaded?.key === key) await this.unload();
    const { engineFor } = await workers();
    // An invalid record's spec names no files Hearth should touch: only the record goes.
    const freedBytes = recordProblem(model)
      ? 0
      : await (await engineFor(model.spec.engine)).remove(model.spec);
    await forgetInstalledModel(key);
    this.downloads.dismiss(key);
    const { [key]: _gone, ...problems } = this.problems;
    this.problems = problems;
    return freedBytes;
  }

  /** Validates and stores a model folder with no network at all; throws ModelImportError. */
  async importFolder(files: ModelFile[]): Promise<InstalledModel> {
    if (this.importing) throw new HearthError('A model import is already running.');
    const detected = detectModelFolder(files.map((f) => f.path));
    const rooted = rerootFiles(files, detected.root);
    const sizeBytes = rooted.reduce((sum, f) => sum + f.file.size, 0);
    assertFits('This model', sizeBytes, await storageEstimate(), formatBytes);
    this.importing = { done: 0, total: rooted.length };
    try {
      const engine = await (await workers()).engineFor(detected.engine);
      const stored = await engine.importFiles(
        rooted,
        (done, total) => (this.importing = { done, total }),
      );
      const model: InstalledModel = { ...stored, installedAt: Date.now() };
      await saveInstalledModel(model);
      await networkPolicy.modelInstalled();
      const { [model.key]: _gone, ...problems } = this.problems;
      this.problems = problems;
      return model;
    } finally {
      this.importing = null;
    }
  }
}

export const models = new Models();
