// Model downloads in flight: bytes, smoothed rate and time left per model, cancel and retry.
// The InstalledModel row is written as incomplete before the first byte and completed at the end,
// so a reload mid-download shows the partial model; files already cached stay for a retry.
// Every download is pinned: the commit `main` points at is asked once, before the first file, and
// kept in the row's spec, so a resumed download continues the same commit. An update (a newer
// commit of an installed model) leaves the installed row and files alone until the new commit is
// complete, then replaces them.
import { saveInstalledModel } from '../db/models-repo';
import { errorMessage } from '../errors';
import { assertFits } from '../llm/storage-check';
import { etaSeconds, startRate, updateRate, type RateState } from '../llm/download-stats';
import type { CatalogEntry, DownloadProgress, EngineKind, InstalledModel } from '../llm/types';
import { formatBytes } from '../format-bytes';
import { downloadOrigins } from '../llm/net/download-sources';
import { networkPolicy } from './network-policy.svelte';
import { networkSettings } from './network-settings.svelte';

export type DownloadStatus = 'running' | 'cancelled' | 'failed' | 'done';

export interface ModelDownload {
  key: string;
  entry: CatalogEntry;
  file: string;
  loadedBytes: number;
  totalBytes: number | null;
  bytesPerS: number | null;
  etaS: number | null;
  state: DownloadStatus;
  error: string | null;
}

/** How often progress reaches the UI: chunk events can come hundreds of times a second. */
const publishEveryMs = 200;

interface Running {
  controller: AbortController;
  rate: RateState | null;
  publishedAtMs: number;
}

const workers = () => import('./engine-workers');

export async function storageEstimate(): Promise<StorageEstimate> {
  return navigator.storage?.estimate ? navigator.storage.estimate() : {};
}

export class ModelDownloads {
  items = $state.raw<Record<string, ModelDownload>>({});
  /** Per running download; plain (not reactive): only `items` reaches the UI. */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  #running = new Map<string, Running>();
  /** True while the engine holds a loaded model, which a forced worker stop would lose. */
  #engineHoldsModel: (kind: EngineKind) => boolean;
  #existing: (key: string) => InstalledModel | undefined;

  constructor(options: {
    engineHoldsModel: (kind: EngineKind) => boolean;
    existing: (key: string) => InstalledModel | undefined;
  }) {
    this.#engineHoldsModel = options.engineHoldsModel;
    this.#existing = options.existing;
  }

  isRunning(key: string): boolean {
    return this.items[key]?.state === 'running';
  }

  #set(key: string, patch: Partial<ModelDownload>): void {
    const current = this.items[key];
    if (current) this.items = { ...this.items, [key]: { ...current, ...patch } };
  }

  /** Starts (or resumes) a download; resolves when it ends, whatever the outcome. */
  async start(entry: CatalogEntry): Promise<void> {
    const { key } = entry;
    if (this.isRunning(key)) return;
    const controller = new AbortController();
    this.#running.set(key, { controller, rate: null, publishedAtMs: 0 });
    this.items = {
      ...this.items,
      [key]: {
        key,
        entry,
        file: '',
        loadedBytes: 0,
        totalBytes: entry.downloadBytes,
        bytesPerS: null,
        etaS: null,
        state: 'running',
        error: null,
      },
    };
    let release: (() => Promise<void>) | null = null;
    try {
      const { engineFor } = await workers();
      const engine = await engineFor(entry.spec.engine);
      const existing = this.#existing(key);
      // Starting the download is what opens the network, to this download's hosts only, until
      // it ends (the service worker refuses everything else meanwhile). Its first request is the
      // lookup of the commit it pins to.
      release = await networkPolicy.allowDownload({
        modelKey: key,
        purpose: `download ${entry.name}`,
        origins: downloadOrigins(entry.spec, networkSettings.mirror),
      });
      const spec = {
        ...entry.spec,
        revision:
          entry.spec.revision ??
          (existing && !existing.complete ? existing.spec.revision : undefined) ??
          (await engine.resolveRevision(entry.spec, 'main')),
      };
      const updating = existing?.complete === true;
      const onDiskBytes = existing && !updating ? await engine.sizeOnDisk(spec) : 0;
      const neededBytes =
        entry.downloadBytes === null ? null : Math.max(0, entry.downloadBytes - onDiskBytes);
      assertFits(entry.name, neededBytes, await storageEstimate(), formatBytes);
      const row: InstalledModel = {
        key,
        name: entry.name,
        spec,
        source: networkSettings.mirror ? 'mirror' : 'hub',
        sizeBytes: onDiskBytes,
        installedAt: existing?.installedAt ?? Date.now(),
        complete: false,
      };
      if (!updating) await saveInstalledModel(row);
      const { sizeBytes, files } = await engine.download(
        spec,
        (progress) => this.#progress(key, progress),
        controller.signal,
      );
      const pin = { files, pinnedAt: Date.now(), how: 'download' } as const;
      await saveInstalledModel({ ...row, sizeBytes, complete: true, pin });
      // The commit it replaced goes only now that the new one is whole.
      if (updating && existing.spec.revision !== spec.revision) await engine.remove(existing.spec);
      await release();
      release = null;
      await networkPolicy.modelInstalled();
      this.#set(key, { state: 'done', loadedBytes: sizeBytes, totalBytes: sizeBytes, etaS: 0 });
    } catch (error) {
      if (controller.signal.aborted) this.#set(key, { state: 'cancelled', error: null });
      else this.#set(key, { state: 'failed', error: errorMessage(error) });
    } finally {
      this.#running.delete(key);
      await release?.().catch(reportError);
    }
  }

  #progress(key: string, progress: DownloadProgress): void {
    const running = this.#running.get(key);
    if (!running) return;
    const nowMs = performance.now();
    const next = updateRate(
      running.rate ?? startRate(nowMs, progress.loadedBytes),
      progress.loadedBytes,
      nowMs,
    );
    running.rate = next;
    const done = progress.totalBytes !== null && progress.loadedBytes >= progress.totalBytes;
    if (!done && nowMs - running.publishedAtMs < publishEveryMs) return;
    running.publishedAtMs = nowMs;
    const totalBytes = progress.totalBytes ?? this.items[key]?.entry.downloadBytes ?? null;
    this.#set(key, {
      file: progress.file,
      loadedBytes: progress.loadedBytes,
      totalBytes,
      bytesPerS: next.bytesPerS,
      etaS: etaSeconds(progress.loadedBytes, totalBytes, next.bytesPerS),
    });
  }

  /**
   * Aborts the call (the worker's store gets the AbortSignal and stops between chunks). When that
   * engine has nothing else to keep, its worker is also terminated and recreated on next use, so no
   * byte keeps flowing even if the library ignores the signal. Cached files stay for a retry.
   */
  async cancel(key: string): Promise<void> {
    const item = this.items[key];
    const running = this.#running.get(key);
    if (!item || !running) return;
    running.controller.abort();
    const kind = item.entry.spec.engine;
    const othersRunning = Object.values(this.items).some(
      (d) => d.key !== key && d.state === 'running' && d.entry.spec.engine === kind,
    );
    if (!othersRunning && !this.#engineHoldsModel(kind)) (await workers()).restartEngine(kind);
  }

  retry(key: string): Promise<void> {
    const item = this.items[key];
    return item ? this.start(item.entry) : Promise.resolve();
  }

  dismiss(key: string): void {
    if (this.isRunning(key)) return;
    const { [key]: _gone, ...rest } = this.items;
    this.items = rest;
  }
}
