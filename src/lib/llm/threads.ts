// How many threads ONNX Runtime's WASM backend gets for a processor (CPU) model. Threads share
// memory through SharedArrayBuffer, which only a cross-origin isolated page and its workers have:
// without isolation there is one. ONNX Runtime's own default (half the cores, at most 4) would
// leave one of two cores idle, so Hearth sets the count itself. Pure: each worker passes its own
// `crossOriginIsolated` and `navigator.hardwareConcurrency`.

/** The most threads a model gets: beyond this the small models Hearth runs gain little. */
export const THREAD_CAP = 4;

export interface ThreadContext {
  crossOriginIsolated: boolean;
  /** `navigator.hardwareConcurrency`; 0 or undefined where a browser does not tell. */
  hardwareConcurrency: number | undefined;
}

/** Threads for ONNX Runtime's WASM backend: min(cores, cap) when isolated, else 1; at least 1. */
export function modelThreads(context: ThreadContext, cap: number = THREAD_CAP): number {
  if (!context.crossOriginIsolated) return 1;
  const whole = (n: number | undefined) => (Number.isFinite(n) ? Math.floor(n!) : 1);
  return Math.max(1, Math.min(whole(context.hardwareConcurrency), whole(cap)));
}
