// What can be downloaded, judged against this device: both engines' catalogs (made at build time)
// merged, the user's custom transformers.js repos added, and f16 entries swapped for their f32
// twins when the GPU lacks shader-f16.
import { readSetting, writeSetting } from '../db/models-repo';
import { errorMessage } from '../errors';
import { checkCustomRef, customEntry, parseRepoId, type CustomModelRef } from '../llm/custom-model';
import { modelThreads } from '../llm/threads';
import type { CatalogEntry, DeviceProbe, EngineKind, Verdict } from '../llm/types';
import { replacedF16, verdictFor, visibleCatalog } from '../llm/verdict';

export interface ShownEntry {
  entry: CatalogEntry;
  /** Null until the device probe is in. */
  verdict: Verdict | null;
  reason: string | null;
  /** Why an f32 variant is offered instead of an f16 one, when it is. */
  offeredBecause: string | null;
}

const CUSTOM_KEY = 'customModels';
const engineNames: Record<EngineKind, string> = {
  webllm: 'WebLLM',
  transformers: 'transformers.js',
};

export class ModelCatalog {
  probe = $state.raw<DeviceProbe | null>(null);
  probeError = $state<string | null>(null);
  errors = $state.raw<string[]>([]);
  ready = $state(false);
  #all = $state.raw<CatalogEntry[]>([]);
  #custom = $state.raw<CustomModelRef[]>([]);

  readonly #merged = $derived([...this.#all, ...this.#custom.map(customEntry)]);

  /** What the catalog shows, with a verdict per entry once the device probe is in. */
  readonly entries: ShownEntry[] = $derived.by(() => {
    const probe = this.probe;
    if (!probe)
      return this.#merged.map((entry) => ({
        entry,
        verdict: null,
        reason: null,
        offeredBecause: null,
      }));
    const replaced = replacedF16(this.#merged, probe);
    return visibleCatalog(this.#merged, probe).map((entry) => {
      const f16 = replaced.get(entry.key);
      return {
        entry,
        ...verdictFor(entry, probe),
        offeredBecause: f16 ? `Offered instead of ${f16.name}: this GPU lacks shader-f16.` : null,
      };
    });
  });

  /** Threads a processor model will get: the model workers' rule, from the page's view of the device. */
  readonly plannedThreads = $derived(
    this.probe &&
      modelThreads({
        crossOriginIsolated: this.probe.crossOriginIsolated,
        hardwareConcurrency: this.probe.logicalCores,
      }),
  );

  /** True when f16 entries were replaced by their q4f32 variants for this GPU. */
  readonly f32Offered = $derived(
    this.probe !== null &&
      this.probe.webgpu &&
      !this.probe.shaderF16 &&
      this.#all.some((e) => e.requiresF16 && e.f32Alternative !== null),
  );

  find(key: string): CatalogEntry | undefined {
    return this.#merged.find((e) => e.key === key);
  }

  async refreshProbe(): Promise<void> {
    try {
      const { probeDevice } = await import('../llm/probe');
      this.probe = await probeDevice();
      this.probeError = null;
    } catch (error) {
      this.probeError = `Couldn't examine this device: ${errorMessage(error)}`;
    }
  }

  async load(): Promise<void> {
    // Made at build time: listing it starts no model worker.
    const [{ default: byEngine }, stored] = await Promise.all([
      import('virtual:model-catalog'),
      readSetting<unknown>(CUSTOM_KEY, []),
    ]);
    const errors: string[] = [];
    // Stored refs are checked again as they are read: a bad one (a restored backup, an edited
    // database) is left out and named, never turned into a download URL.
    const custom: CustomModelRef[] = [];
    for (const ref of Array.isArray(stored) ? (stored as unknown[]) : []) {
      try {
        custom.push(checkCustomRef(ref));
      } catch (error) {
        errors.push(`${errorMessage(error)} It was left out of the catalog.`);
      }
    }
    this.#all = [...byEngine.transformers, ...byEngine.webllm];
    this.#custom = custom;
    this.errors = errors;
    this.ready = true;
  }

  /** Adds a transformers.js ONNX repo by id; throws InvalidRepoError on a malformed id. */
  async addCustom(repoText: string, dtype: string): Promise<CatalogEntry> {
    const ref = { repo: parseRepoId(repoText), dtype };
    const entry = customEntry(ref);
    if (!this.#custom.some((c) => customEntry(c).key === entry.key)) {
      const custom = [...this.#custom, ref];
      await writeSetting(CUSTOM_KEY, custom);
      this.#custom = custom;
    }
    return entry;
  }

  async removeCustom(key: string): Promise<void> {
    const custom = this.#custom.filter((c) => customEntry(c).key !== key);
    await writeSetting(CUSTOM_KEY, custom);
    this.#custom = custom;
  }

  isCustom(key: string): boolean {
    return this.#custom.some((c) => customEntry(c).key === key);
  }
}

export { engineNames };
