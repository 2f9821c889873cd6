// Page-side probes for the ingest bench: functions passed to page.evaluate / addInitScript (they
// run in the browser, so they may only use their arguments) and reads of Hearth's IndexedDB.

/** Init script: every long task of every document, with its start, kept on the window. */
export function installLongTaskProbe() {
  window.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longTasks.push({ at: e.startTime, ms: e.duration });
  }).observe({ type: 'longtask', buffered: true });
}

/**
 * Starts watching indexing (call it before the action that starts it): the `vectors` count every ~100 ms (one IndexedDB connection, read-only
 * count transactions), the last "Indexing: …" text Settings showed (it carries the embedder's own
 * chunks/s), and the moment Settings shows "Up to date: N of N notes". Times are ms from the start.
 */
export function startIndexWatch({ notes }) {
  const n = notes.toLocaleString();
  const doneText = `Up to date: ${n} of ${n} notes`;
  const watch = { t0: performance.now(), samples: [], doneMs: 0, lastIndexingText: '' };
  let sawIndexing = false;
  window.__indexWatch = watch;
  const now = () => performance.now() - watch.t0;
  const observer = new MutationObserver(() => {
    const el = document.querySelector('[data-testid=memory-progress]');
    if (!el) return;
    const text = el.textContent?.trim() ?? '';
    if (el.dataset.state === 'indexing') {
      sawIndexing = true;
      watch.lastIndexingText = text;
    }
    // A rebuild starts from "Up to date" too: only the one after indexing counts.
    if (sawIndexing && el.dataset.state === 'idle' && text.startsWith(doneText)) {
      watch.doneMs = now();
      observer.disconnect();
    }
  });
  observer.observe(document.body, { childList: true, subtree: true, characterData: true });
  const open = indexedDB.open('hearth');
  open.onsuccess = () => {
    const db = open.result;
    const tick = () => {
      const count = db.transaction('vectors').objectStore('vectors').count();
      count.onsuccess = () => {
        watch.samples.push([now(), count.result]);
        if (watch.doneMs) db.close();
        else setTimeout(tick, 100);
      };
    };
    tick();
  };
  return watch.t0;
}

export function indexWatch() {
  const w = window.__indexWatch;
  return { ...w, samples: w.samples.map(([ms, count]) => [+ms.toFixed(1), count]) };
}

/** Long tasks that started in [fromMs, toMs] (page time): start (ms after fromMs) and duration. */
export function longTasksBetween([fromMs, toMs]) {
  return window.__longTasks
    .filter((t) => t.at >= fromMs && t.at <= toMs)
    .map((t) => ({ atMs: Math.round(t.at - fromMs), ms: Math.round(t.ms) }));
}

/** Record count of one object store of the `hearth` database. */
export async function countStore(name) {
  const db = await new Promise((resolve, reject) => {
    const request = indexedDB.open('hearth');
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  try {
    return await new Promise((resolve, reject) => {
      const request = db.transaction(name).objectStore(name).count();
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  } finally {
    db.close();
  }
}

/**
 * The page's main thread, sampled by V8's profiler while `run` runs: the functions with the most
 * self time (name, script file, line), to say what the page does while the worker indexes.
 */
export async function profileMainThread(cdp, run, top = 12) {
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 1000 });
  await cdp.send('Profiler.start');
  const result = await run();
  const { profile } = await cdp.send('Profiler.stop');
  await cdp.send('Profiler.disable');
  const byId = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const selfUs = new Map();
  profile.samples.forEach((id, i) => {
    const f = byId.get(id);
    const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber}`;
    selfUs.set(key, (selfUs.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const topSelfMs = [...selfUs]
    .filter(([key]) => !key.startsWith('(idle)') && !key.startsWith('(program)'))
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([fn, us]) => ({ fn, ms: Math.round(us / 1000) }));
  return { result, topSelfMs };
}
