import { describe, expect, it } from 'vitest';
import { modelThreads, THREAD_CAP } from '../../src/lib/llm/threads';

const isolated = (hardwareConcurrency: number | undefined) => ({
  crossOriginIsolated: true,
  hardwareConcurrency,
});

describe('modelThreads', () => {
  it('runs one thread when the page is not cross-origin isolated, however many cores', () => {
    for (const cores of [1, 2, 8, 64, undefined])
      expect(modelThreads({ crossOriginIsolated: false, hardwareConcurrency: cores })).toBe(1);
  });

  it('uses every core up to the cap when isolated', () => {
    expect(THREAD_CAP).toBe(4);
    expect(modelThreads(isolated(1))).toBe(1);
    expect(modelThreads(isolated(2))).toBe(2);
    expect(modelThreads(isolated(3))).toBe(3);
    expect(modelThreads(isolated(4))).toBe(4);
    expect(modelThreads(isolated(16))).toBe(THREAD_CAP);
  });

  it('takes another cap', () => {
    expect(modelThreads(isolated(16), 8)).toBe(8);
    expect(modelThreads(isolated(2), 8)).toBe(2);
    expect(modelThreads(isolated(2), 1)).toBe(1);
  });

  it('never goes below one thread on a count the browser hides or garbles', () => {
    for (const cores of [undefined, 0, -2, 0.5, NaN, Infinity])
      expect(modelThreads(isolated(cores)), String(cores)).toBe(1);
    expect(modelThreads(isolated(8), 0)).toBe(1);
    expect(modelThreads(isolated(8), NaN)).toBe(1);
  });
});
