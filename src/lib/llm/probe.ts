// What this device offers local models, measured without loading any model library: WebGPU and its
// adapter, memory and storage. Runs on the main thread and in workers; never throws. WebGPU types
// come with TypeScript 6's DOM lib (no @webgpu/types needed).
import type { DeviceProbe } from './types';

/** `navigator.deviceMemory` is Chromium-only and not in the DOM lib. */
interface NavigatorWithMemory {
  deviceMemory?: number;
}

/** The default adapter, or null when WebGPU is missing, disabled or refuses. */
export async function requestGpuAdapter(): Promise<GPUAdapter | null> {
  if (typeof navigator === 'undefined' || !('gpu' in navigator) || !navigator.gpu) return null;
  try {
    return await navigator.gpu.requestAdapter();
  } catch {
    // Some browsers throw instead of resolving null when WebGPU is blocked: same meaning.
    return null;
  }
}

async function storageEstimate(): Promise<StorageEstimate | null> {
  try {
    return (await navigator.storage?.estimate()) ?? null;
  } catch {
    // Storage estimates are refused in some private modes: unknown, not an error.
    return null;
  }
}

export async function probeDevice(): Promise<DeviceProbe> {
  const [adapter, storage] = await Promise.all([requestGpuAdapter(), storageEstimate()]);
  const memory = (navigator as NavigatorWithMemory).deviceMemory;
  return {
    webgpu: adapter !== null,
    vendor: adapter?.info.vendor || null,
    architecture: adapter?.info.architecture || null,
    description: adapter?.info.description || null,
    shaderF16: adapter?.features.has('shader-f16') ?? false,
    maxStorageBufferBindingSize: adapter?.limits.maxStorageBufferBindingSize ?? null,
    maxBufferSize: adapter?.limits.maxBufferSize ?? null,
    deviceMemoryGB: typeof memory === 'number' ? memory : null,
    storageUsageBytes: storage?.usage ?? null,
    storageQuotaBytes: storage?.quota ?? null,
    crossOriginIsolated: globalThis.crossOriginIsolated ?? false,
    logicalCores: navigator.hardwareConcurrency || 1,
  };
}
