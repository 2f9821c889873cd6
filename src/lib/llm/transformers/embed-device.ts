// Picks where an embedding model runs. WASM always works; WebGPU only pays off on a real GPU (on a
// software adapter such as SwiftShader it is many times slower), and no probe field says which
// one this is reliably, so both are timed on the same small batch and the faster one is kept.
// The timings are returned for the UI to show; the caller may store the choice and skip this.
import { ModelUnsupportedError, errorMessage } from '../../errors';
import type { TextEmbedder } from '../../search/embedding-types';
import type { DeviceProbe, TransformersSpec } from '../types';

export type EmbedDevice = TransformersSpec['device'];

export interface DeviceTiming {
  device: EmbedDevice;
  /**
   * Median time per text of the timed runs; the first batch's time per text when that alone was
   * hopelessly slow; null when the device failed.
   */
  msPerText: number | null;
  /** First-batch time, which includes kernel compilation on WebGPU. */
  warmupMs: number | null;
  error: string | null;
}

export interface EmbedDeviceChoice {
  device: EmbedDevice;
  /** Empty when WebGPU is absent: nothing was measured. */
  timings: DeviceTiming[];
}

export interface EmbedDeviceDeps {
  webgpu: boolean;
  load: (spec: TransformersSpec) => Promise<TextEmbedder>;
  /** Timed runs after the warm-up; the median counts. */
  runs?: number;
  /** The clock (ms), `performance.now` unless a test drives time itself. */
  now?: () => number;
}

/** About 100 tokens of ordinary prose, so a run costs what an indexing batch costs. */
const SAMPLE_TEXT =
  'Notes about the garden: the tomatoes need water every second day while the weather stays ' +
  'dry, the beans climb the fence by the shed, and the compost should be turned before the ' +
  'first frost. Remember to order seeds for spring, ask the neighbours about the hedge, and ' +
  'write down which varieties did well this year so next year starts from what worked.';
/** A device whose first batch is this many times slower than the best so far is not timed further. */
const HOPELESS_FACTOR = 10;

const SAMPLE_BATCH = Array.from({ length: 8 }, (_, i) => `${i + 1}. ${SAMPLE_TEXT}`);

/**
 * Times `embedder` on the sample batch. When its first batch alone is already far slower than
 * `bestMsPerText` (software WebGPU: seconds), the timed runs are skipped: they would only confirm
 * the loss at a high price, and the first batch's time stands as an upper bound.
 */
async function time(
  embedder: TextEmbedder,
  runs: number,
  bestMsPerText: number,
  now: () => number,
): Promise<Omit<DeviceTiming, 'device'>> {
  let started = now();
  await embedder.embed(SAMPLE_BATCH, 'passage');
  const warmupMs = now() - started;
  const warmupPerText = warmupMs / SAMPLE_BATCH.length;
  if (warmupPerText > HOPELESS_FACTOR * bestMsPerText)
    return { msPerText: warmupPerText, warmupMs, error: null };
  const perText: number[] = [];
  for (let i = 0; i < runs; i++) {
    started = now();
    await embedder.embed(SAMPLE_BATCH, 'passage');
    perText.push((now() - started) / SAMPLE_BATCH.length);
  }
  perText.sort((a, b) => a - b);
  return { msPerText: perText[Math.floor(perText.length / 2)] ?? null, warmupMs, error: null };
}

/**
 * Loads `spec` on WASM and, when WebGPU is present, on WebGPU too; times both and keeps the faster
 * embedder loaded (the other is disposed). A device that fails to load or run loses.
 */
export async function chooseEmbedDevice(
  spec: TransformersSpec,
  deps: EmbedDeviceDeps,
): Promise<{ embedder: TextEmbedder; choice: EmbedDeviceChoice }> {
  const wasmSpec: TransformersSpec = { ...spec, device: 'wasm' };
  if (!deps.webgpu)
    return { embedder: await deps.load(wasmSpec), choice: { device: 'wasm', timings: [] } };
  const runs = deps.runs ?? 3;
  const now = deps.now ?? (() => performance.now());
  const candidates: { timing: DeviceTiming; embedder: TextEmbedder | null }[] = [];
  for (const device of ['wasm', 'webgpu'] as const) {
    let embedder: TextEmbedder | null = null;
    try {
      embedder = await deps.load({ ...spec, device });
      const best = Math.min(...candidates.map((c) => c.timing.msPerText ?? Infinity));
      candidates.push({ timing: { device, ...(await time(embedder, runs, best, now)) }, embedder });
    } catch (error) {
      await embedder?.dispose();
      // WASM is the floor every device has: its failure is the caller's to see.
      if (device === 'wasm') throw error;
      const timing = { device, msPerText: null, warmupMs: null, error: errorMessage(error) };
      candidates.push({ timing, embedder: null });
    }
  }
  const speed = (t: DeviceTiming) => t.msPerText ?? Infinity;
  const [best, ...rest] = [...candidates].sort((a, b) => speed(a.timing) - speed(b.timing));
  if (!best?.embedder) throw new ModelUnsupportedError('No device could run the embedding model.');
  for (const other of rest) await other.embedder?.dispose();
  return {
    embedder: best.embedder,
    choice: { device: best.timing.device, timings: candidates.map((c) => c.timing) },
  };
}

export interface RememberedDevice {
  /** The device measured fastest for this model on this device, or null before the first load. */
  read(): Promise<EmbedDevice | null>;
  write(choice: EmbedDeviceChoice): Promise<void>;
}

/**
 * Loads on the device remembered for this model, or measures once and remembers. A software
 * adapter (SwiftShader) is not timed: it is always far slower, and its first batch takes seconds.
 */
export async function loadOnFastestDevice(
  spec: TransformersSpec,
  deps: {
    load: EmbedDeviceDeps['load'];
    remembered: RememberedDevice;
    /** Asked only when nothing is remembered yet. */
    probe: () => Promise<DeviceProbe>;
  },
): Promise<TextEmbedder> {
  const known = await deps.remembered.read();
  if (known) return deps.load({ ...spec, device: known });
  const gpu = await deps.probe();
  const hardwareGpu = gpu.webgpu && !/swiftshader/i.test(gpu.architecture ?? '');
  const { embedder, choice } = await chooseEmbedDevice(spec, {
    webgpu: hardwareGpu,
    load: deps.load,
  });
  await deps.remembered.write(choice);
  return embedder;
}
