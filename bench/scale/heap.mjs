// The JS heap of a page and of each of its dedicated workers, through the Chrome DevTools
// Protocol: the page's own session answers for the page, and its workers are reached by
// auto-attaching to them (non-flat sessions, so Playwright's own sessions are left alone).
// `heapsOf` asks each target once, as it is and after a full garbage collection; `sampleHeaps`
// samples every target every ~250 ms while a step runs and keeps the peaks.
import { setTimeout as sleep } from 'node:timers/promises';

const workerName = (url) => /([\w-]+\.worker)/.exec(url)?.[1] ?? url;

/**
 * A CDP session on the page that attaches to its dedicated workers, those running now and those
 * started later: `workers` maps each attached session to its worker's name until it ends;
 * `send(sessionId, method)` asks one of them.
 */
async function attachWorkers(page) {
  const cdp = await page.context().newCDPSession(page);
  const workers = new Map();
  const replies = new Map();
  let nextId = 1;
  cdp.on('Target.attachedToTarget', ({ sessionId, targetInfo }) => {
    if (targetInfo.type === 'worker') workers.set(sessionId, workerName(targetInfo.url));
  });
  cdp.on('Target.detachedFromTarget', ({ sessionId }) => workers.delete(sessionId));
  cdp.on('Target.receivedMessageFromTarget', (event) => {
    const message = JSON.parse(event.message);
    replies.get(message.id)?.(message);
    replies.delete(message.id);
  });
  const send = (sessionId, method) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      replies.set(id, (m) => (m.error ? reject(new Error(m.error.message)) : resolve(m.result)));
      cdp
        .send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method }) })
        .catch(reject);
    });
  await cdp.send('Target.setAutoAttach', {
    autoAttach: true,
    waitForDebuggerOnStart: false,
    flatten: false,
  });
  // Attachment events for workers already running arrive right after the call.
  await sleep(500);
  return { cdp, workers, send };
}

/** `{ page: {usedBytes, usedAfterGcBytes}, workers: { 'search.worker': {...}, … } }` */
export async function heapsOf(page) {
  const { cdp, workers, send } = await attachWorkers(page);
  try {
    const measure = async (ask) => {
      const before = await ask('Runtime.getHeapUsage');
      await ask('HeapProfiler.collectGarbage');
      const after = await ask('Runtime.getHeapUsage');
      return { usedBytes: before.usedSize, usedAfterGcBytes: after.usedSize };
    };
    const out = { page: await measure((method) => cdp.send(method)), workers: {} };
    for (const [sessionId, name] of [...workers])
      out.workers[name] = await measure((method) => send(sessionId, method));
    return out;
  } finally {
    await cdp.detach();
  }
}

/**
 * Starts sampling the used JS heap of the page and of every dedicated worker it has or starts,
 * each about every `everyMs` (a target busy in a long task answers late; the others go on).
 * `stop()` resolves to the peak of the sum over targets (each target's latest sample, summed
 * every `everyMs`) and the peak of each target in MB; a second worker of the same name is `#2`.
 */
export async function sampleHeaps(page, everyMs = 250) {
  const { cdp, workers, send } = await attachWorkers(page);
  const latest = new Map();
  const peaks = new Map();
  const labels = new Map();
  let stopped = false;
  let peakSum = 0;
  let sums = 0;
  const labelOf = (key, name) => {
    if (!labels.has(key)) {
      const taken = [...labels.values()].filter((l) => l.split('#')[0] === name).length;
      labels.set(key, taken ? `${name}#${taken + 1}` : name);
    }
    return labels.get(key);
  };
  const loop = async (key, name, ask) => {
    while (!stopped && (key === 'page' || workers.has(key))) {
      const started = performance.now();
      try {
        const { usedSize } = await ask('Runtime.getHeapUsage');
        const label = labelOf(key, name);
        latest.set(label, usedSize);
        peaks.set(label, Math.max(peaks.get(label) ?? 0, usedSize));
      } catch {
        // The worker ended (or the page navigated) between the check and the answer.
        break;
      }
      await sleep(Math.max(0, everyMs - (performance.now() - started)));
    }
  };
  const loops = [loop('page', 'page', (method) => cdp.send(method))];
  const looped = new Set();
  const timer = setInterval(() => {
    for (const [sessionId, name] of workers)
      if (!looped.has(sessionId)) {
        looped.add(sessionId);
        loops.push(loop(sessionId, name, (method) => send(sessionId, method)));
      }
    // An ended worker's heap is gone: only the live targets' latest samples are summed.
    const live = new Set(['page', ...[...workers.keys()].map((k) => labels.get(k))]);
    let sum = 0;
    for (const [label, bytes] of latest) if (live.has(label)) sum += bytes;
    peakSum = Math.max(peakSum, sum);
    sums++;
  }, everyMs);
  const mb = (bytes) => Math.round(bytes / 1e5) / 10;
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await Promise.race([Promise.all(loops), sleep(5_000)]);
      await cdp.detach().catch(() => {});
      return {
        peakSumMB: mb(peakSum),
        peakMB: Object.fromEntries([...peaks].map(([label, bytes]) => [label, mb(bytes)])),
        sums,
      };
    },
  };
}
