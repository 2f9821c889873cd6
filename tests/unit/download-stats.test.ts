import { describe, expect, it } from 'vitest';
import {
  etaSeconds,
  formatEta,
  startRate,
  updateRate,
  type RateOptions,
} from '../../src/lib/llm/download-stats';

const options: RateOptions = { minIntervalMs: 250, smoothingMs: 3000 };
const MB = 1_000_000;

describe('download rate', () => {
  it('has no rate until a sample interval has passed', () => {
    const state = updateRate(startRate(0), 10 * MB, 100, options);
    expect(state.bytesPerS).toBeNull();
  });

  it('measures a steady rate exactly', () => {
    let state = startRate(0);
    for (let t = 500; t <= 10_000; t += 500)
      state = updateRate(state, (t / 1000) * 2 * MB, t, options);
    expect(state.bytesPerS).toBeCloseTo(2 * MB, 0);
  });

  it('smooths a sudden burst instead of jumping to it', () => {
    let state = startRate(0);
    for (let t = 500; t <= 5000; t += 500) state = updateRate(state, (t / 1000) * MB, t, options);
    const burst = updateRate(state, state.sampleBytes + 10 * MB, 5500, options);
    // One 500 ms sample at 20 MB/s moves a 1 MB/s average by 1 - e^(-1/6) ≈ 15 % of the gap.
    expect(burst.bytesPerS).toBeGreaterThan(1 * MB);
    expect(burst.bytesPerS).toBeLessThan(5 * MB);
  });

  it('folds chunk events closer than the interval into the next sample', () => {
    let state = startRate(0);
    state = updateRate(state, 1 * MB, 100, options);
    state = updateRate(state, 2 * MB, 200, options);
    expect(state.sampleAtMs).toBe(0);
    state = updateRate(state, 3 * MB, 300, options);
    expect(state.bytesPerS).toBeCloseTo(10 * MB, 0);
  });

  it('takes a count that goes backwards as a new baseline, never a negative rate', () => {
    let state = updateRate(startRate(0), 4 * MB, 1000, options);
    state = updateRate(state, 1 * MB, 2000, options);
    expect(state.bytesPerS).toBe(4 * MB);
    expect(state.sampleBytes).toBe(1 * MB);
  });

  it('starts from resumed bytes so a retry does not report the old part as speed', () => {
    const state = updateRate(startRate(0, 500 * MB), 501 * MB, 1000, options);
    expect(state.bytesPerS).toBeCloseTo(1 * MB, 0);
  });
});

describe('time left', () => {
  it('divides what is left by the rate, rounding up', () => {
    expect(etaSeconds(2 * MB, 10 * MB, 3 * MB)).toBe(3);
  });

  it('is unknown without a total or a rate', () => {
    expect(etaSeconds(1, null, 5)).toBeNull();
    expect(etaSeconds(1, 10, null)).toBeNull();
    expect(etaSeconds(1, 10, 0)).toBeNull();
  });

  it('never goes below zero', () => {
    expect(etaSeconds(12, 10, 1)).toBe(0);
  });

  it('formats coarsely', () => {
    expect(formatEta(null)).toBe('unknown');
    expect(formatEta(45)).toBe('45 s');
    expect(formatEta(200)).toBe('3 min 20 s');
    expect(formatEta(15 * 60 + 5)).toBe('15 min');
    expect(formatEta(3900)).toBe('1 h 5 min');
    expect(formatEta(7200)).toBe('2 h');
  });
});
