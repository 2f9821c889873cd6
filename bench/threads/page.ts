// The threads bench page: served from the app's own origin (same build, same headers), so its
// workers are cross-origin isolated like the app's and find the model the app imported in Cache
// Storage. Two workers, because ONNX Runtime fixes its thread count when it starts: one on 1
// thread, one on Hearth's own choice. They take turns call by call (the first of each pair
// alternates), one computing at a time, so a change in the machine's load hits both sides alike.
import type { ThreadsRequest } from './threads.worker';

declare global {
  interface Window {
    runThreadsBench: (config: Config) => Promise<unknown>;
  }
}

interface Config {
  texts: string[];
  tokens: number;
  /** Texts per embed() call. */
  batch: number;
  /** Passes over the texts; the first call of the first pass is each side's untimed warm-up. */
  passes: number;
}

interface Loaded {
  asked: number | null;
  threads: number | null;
  crossOriginIsolated: boolean;
  hardwareConcurrency: number;
  loadMs: number;
  texts: string[];
  tokens: number[];
}

class Side {
  readonly worker = new Worker(new URL('./threads.worker.ts', import.meta.url), {
    type: 'module',
  });

  call<T>(request: ThreadsRequest): Promise<T> {
    return new Promise((resolve, reject) => {
      this.worker.onmessage = ({ data }: MessageEvent) => {
        const message = data as { kind: string; result?: unknown; error?: string };
        if (message.kind === 'done') resolve(message.result as T);
        else reject(new Error(message.error));
      };
      this.worker.onerror = (event) => reject(new Error(event.message));
      this.worker.postMessage(request);
    });
  }
}

const round = (x: number, digits = 1) => +x.toFixed(digits);
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;

function summary(loaded: Loaded, callMs: number[], chunks: number) {
  const { texts: _, tokens: __, ...rest } = loaded;
  return {
    ...rest,
    loadMs: round(loaded.loadMs),
    timedCalls: callMs.length,
    timedChunks: chunks,
    ms: round(sum(callMs)),
    chunksPerS: round((chunks * 1000) / sum(callMs), 2),
    medianMsPerCall: round(median(callMs)),
  };
}

window.runThreadsBench = async (config) => {
  const one = new Side();
  const all = new Side();
  try {
    const oneLoaded = await one.call<Loaded>({ kind: 'load', threads: 1, ...config });
    const allLoaded = await all.call<Loaded>({ kind: 'load', threads: null, ...config });
    const calls: string[][] = [];
    for (let pass = 0; pass < config.passes; pass++)
      for (let i = 0; i < oneLoaded.texts.length; i += config.batch)
        calls.push(oneLoaded.texts.slice(i, i + config.batch));
    const [warmup, ...timed] = calls;
    await one.call({ kind: 'embed', texts: warmup! });
    await all.call({ kind: 'embed', texts: warmup! });
    const oneMs: number[] = [];
    const allMs: number[] = [];
    for (const [i, texts] of timed.entries()) {
      const turn = i % 2 === 0 ? [one, all] : [all, one];
      for (const side of turn) {
        const ms = await side.call<number>({ kind: 'embed', texts });
        (side === one ? oneMs : allMs).push(ms);
      }
    }
    const chunks = sum(timed.map((c) => c.length));
    const tokens = oneLoaded.tokens;
    const pairRatios = oneMs.map((ms, i) => ms / allMs[i]!);
    return {
      meanTokensPerText: round(sum(tokens) / tokens.length),
      oneThread: summary(oneLoaded, oneMs, chunks),
      allThreads: summary(allLoaded, allMs, chunks),
      // Per pair of calls on the same texts, a moment apart: 1-thread time over all-threads time.
      medianPairRatio: round(median(pairRatios), 3),
      pairRatios: pairRatios.map((r) => round(r, 2)),
    };
  } finally {
    one.worker.terminate();
    all.worker.terminate();
  }
};

export {};
