// Download rate and time left, smoothed so the numbers a person reads do not jump with every
// chunk: an exponential moving average over time (not over samples), so bursty progress events
// and steady ones give the same rate.

export interface RateState {
  /** Time and byte count of the last sample that moved the average. */
  sampleAtMs: number;
  sampleBytes: number;
  /** Smoothed rate, or null until enough time has passed to measure one. */
  bytesPerS: number | null;
}

export interface RateOptions {
  /** Samples closer together than this are folded into the next one (chunk noise). */
  minIntervalMs: number;
  /** Time constant of the average: older speed counts e^(-age/tau). */
  smoothingMs: number;
}

export const defaultRateOptions: RateOptions = { minIntervalMs: 250, smoothingMs: 3000 };

export function startRate(nowMs: number, loadedBytes = 0): RateState {
  return { sampleAtMs: nowMs, sampleBytes: loadedBytes, bytesPerS: null };
}

/** Folds one progress sample into the average; `loadedBytes` is cumulative for the download. */
export function updateRate(
  state: RateState,
  loadedBytes: number,
  nowMs: number,
  options: RateOptions = defaultRateOptions,
): RateState {
  const elapsedMs = nowMs - state.sampleAtMs;
  if (elapsedMs < options.minIntervalMs) return state;
  // A restarted count (a retry, a file re-fetched) is a new baseline, not negative speed.
  if (loadedBytes < state.sampleBytes)
    return { ...state, sampleAtMs: nowMs, sampleBytes: loadedBytes };
  const instant = ((loadedBytes - state.sampleBytes) * 1000) / elapsedMs;
  const weight = 1 - Math.exp(-elapsedMs / options.smoothingMs);
  const bytesPerS =
    state.bytesPerS === null ? instant : state.bytesPerS + weight * (instant - state.bytesPerS);
  return { sampleAtMs: nowMs, sampleBytes: loadedBytes, bytesPerS };
}

/** Seconds left at the smoothed rate; null when the total or a usable rate is unknown. */
export function etaSeconds(
  loadedBytes: number,
  totalBytes: number | null,
  bytesPerS: number | null,
): number | null {
  if (totalBytes === null || bytesPerS === null || bytesPerS <= 0) return null;
  return Math.max(0, Math.ceil((totalBytes - loadedBytes) / bytesPerS));
}

export function formatRate(bytesPerS: number | null, formatBytes: (n: number) => string): string {
  return bytesPerS === null ? 'measuring…' : `${formatBytes(bytesPerS)}/s`;
}

/** "45 s", "3 min 20 s", "1 h 5 min": coarse on purpose, the estimate is not that precise. */
export function formatEta(seconds: number | null): string {
  if (seconds === null) return 'unknown';
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) {
    const rest = seconds % 60;
    return rest > 0 && minutes < 10 ? `${minutes} min ${rest} s` : `${minutes} min`;
  }
  const hours = Math.floor(minutes / 60);
  const restMin = minutes % 60;
  return restMin > 0 ? `${hours} h ${restMin} min` : `${hours} h`;
}
