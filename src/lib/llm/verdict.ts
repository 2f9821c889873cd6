// Will this model run here? A verdict per catalog entry from the device probe, before any download.
// WebGPU does not expose GPU memory, so memory is judged against `navigator.deviceMemory` (RAM,
// which integrated GPUs share; coarse and capped: this Chromium 156 reports 16): a quarter is left
// to the OS and browser.
// The GPU's per-buffer limits are shown in the device panel but say nothing about total memory.
import type { CatalogEntry, DeviceProbe, Verdict } from './types';

export interface VerdictResult {
  verdict: Verdict;
  reason: string;
}

const MIB = 1024 * 1024;
const TIGHT_FRACTION = 0.8;
const USABLE_MEMORY_FRACTION = 0.75;
/** When the browser does not say (Firefox, Safari): a common laptop. */
const ASSUMED_MEMORY_GB = 8;
/** Above this a software GPU (SwiftShader) is too slow to be useful, though it may run. */
const SOFTWARE_GPU_COMFORT_MB = 2048;
/** transformers.js on WASM: measured RSS ≈ 3 × the weights + ~0.5 GB of runtime (FACTS.md). */
const CPU_WEIGHT_FACTOR = 3;
const CPU_RUNTIME_MB = 512;

const rank: Record<Verdict, number> = { fits: 0, tight: 1, 'wont-fit': 2 };

function gb(megabytes: number): string {
  return `${(megabytes / 1024).toFixed(1)} GB`;
}

function modelName(key: string): string {
  return key.replace(/^webllm:/, '');
}

function memoryBudget(probe: DeviceProbe): { budgetMB: number; note: string } {
  const known = probe.deviceMemoryGB !== null;
  const totalGB = probe.deviceMemoryGB ?? ASSUMED_MEMORY_GB;
  return {
    budgetMB: totalGB * 1024 * USABLE_MEMORY_FRACTION,
    note: known
      ? `this device reports ${totalGB} GB`
      : `memory not reported, ${totalGB} GB assumed`,
  };
}

function memoryCheck(needMB: number, probe: DeviceProbe, what: string): VerdictResult {
  const { budgetMB, note } = memoryBudget(probe);
  const need = `Needs about ${gb(needMB)} of ${what}; ${note}`;
  if (needMB > budgetMB) return { verdict: 'wont-fit', reason: `${need}.` };
  if (needMB > budgetMB * TIGHT_FRACTION)
    return { verdict: 'tight', reason: `${need}: little room left.` };
  return { verdict: 'fits', reason: `${need}.` };
}

function storageCheck(entry: CatalogEntry, probe: DeviceProbe): VerdictResult | null {
  if (entry.downloadBytes === null || probe.storageQuotaBytes === null) return null;
  const freeMB = (probe.storageQuotaBytes - (probe.storageUsageBytes ?? 0)) / MIB;
  const needMB = entry.downloadBytes / MIB;
  if (needMB > freeMB)
    return {
      verdict: 'wont-fit',
      reason: `Not enough storage: the download is about ${gb(needMB)}, ${gb(freeMB)} free.`,
    };
  if (needMB > freeMB * TIGHT_FRACTION)
    return { verdict: 'tight', reason: `Uses most of the free storage (${gb(freeMB)}).` };
  return null;
}

function isSoftwareGpu(probe: DeviceProbe): boolean {
  return /swiftshader/i.test(`${probe.architecture ?? ''} ${probe.description ?? ''}`);
}

function webLlmChecks(entry: CatalogEntry, probe: DeviceProbe): VerdictResult[] {
  if (!probe.webgpu)
    return [{ verdict: 'wont-fit', reason: 'Needs WebGPU, which this browser does not offer.' }];
  if (entry.requiresF16 && !probe.shaderF16) {
    const instead = entry.f32Alternative
      ? ` ${modelName(entry.f32Alternative)} runs instead.`
      : ' There is no 32-bit variant of this model.';
    return [{ verdict: 'wont-fit', reason: `This GPU lacks shader-f16.${instead}` }];
  }
  const checks: VerdictResult[] = [];
  if (entry.vramMB !== null) checks.push(memoryCheck(entry.vramMB, probe, 'GPU memory'));
  if (isSoftwareGpu(probe) && (entry.vramMB ?? Infinity) > SOFTWARE_GPU_COMFORT_MB)
    checks.push({
      verdict: 'tight',
      reason: 'This GPU is emulated on the CPU (SwiftShader): expect very slow answers.',
    });
  return checks;
}

function transformersChecks(entry: CatalogEntry, probe: DeviceProbe): VerdictResult[] {
  if (entry.spec.engine === 'transformers' && entry.spec.device === 'webgpu' && !probe.webgpu)
    return [{ verdict: 'wont-fit', reason: 'Needs WebGPU, which this browser does not offer.' }];
  if (entry.downloadBytes === null) return [];
  const needMB = (entry.downloadBytes / MIB) * CPU_WEIGHT_FACTOR + CPU_RUNTIME_MB;
  return [memoryCheck(needMB, probe, 'memory')];
}

/** The worst of the checks wins; equally bad reasons are all given. */
export function verdictFor(entry: CatalogEntry, probe: DeviceProbe): VerdictResult {
  const checks =
    entry.spec.engine === 'webllm' ? webLlmChecks(entry, probe) : transformersChecks(entry, probe);
  const storage = storageCheck(entry, probe);
  if (storage) checks.push(storage);
  if (checks.length === 0) return { verdict: 'fits', reason: 'Nothing known against it.' };
  const worst = checks.reduce((a, b) => (rank[b.verdict] > rank[a.verdict] ? b : a)).verdict;
  const reason = checks
    .filter((c) => c.verdict === worst)
    .map((c) => c.reason)
    .join(' ');
  return { verdict: worst, reason };
}

/**
 * On a GPU without shader-f16: the f16 entries that have an f32 variant in `entries`, keyed by that
 * variant's key, so the UI can say which entry each q4f32 one stands in for.
 */
export function replacedF16(
  entries: CatalogEntry[],
  probe: DeviceProbe,
): Map<string, CatalogEntry> {
  const replaced = new Map<string, CatalogEntry>();
  if (!probe.webgpu || probe.shaderF16) return replaced;
  const keys = new Set(entries.map((e) => e.key));
  for (const e of entries)
    if (e.requiresF16 && e.f32Alternative && keys.has(e.f32Alternative))
      replaced.set(e.f32Alternative, e);
  return replaced;
}

/**
 * The merged catalog as the models view shows it: on a GPU without shader-f16, each f16 entry that
 * has an f32 variant is replaced by that variant (see replacedF16); then fits, tight, won't fit,
 * each group in catalog order.
 */
export function visibleCatalog(entries: CatalogEntry[], probe: DeviceProbe): CatalogEntry[] {
  const hidden = new Set([...replacedF16(entries, probe).values()].map((e) => e.key));
  return entries
    .filter((entry) => !hidden.has(entry.key))
    .map((entry) => ({ entry, verdict: verdictFor(entry, probe).verdict }))
    .sort((a, b) => rank[a.verdict] - rank[b.verdict])
    .map(({ entry }) => entry);
}
