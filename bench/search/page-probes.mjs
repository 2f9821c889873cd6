// Functions the search bench runs inside the page (passed to page.evaluate: self-contained).

/**
 * A second search worker speaking the RPC protocol directly: it restores the app's snapshot,
 * then times each query with snippets (`limit` hits) right after start, again once it holds the
 * vault's texts, and without snippets (`limit: 0`: ranking only, no text read).
 */
export async function timeQueriesInPage({ workerUrl, queries, limit }) {
  const worker = new Worker(workerUrl, { type: 'module' });
  let nextId = 1;
  const pending = new Map();
  const started = performance.now();
  await new Promise((resolve) => {
    worker.addEventListener('message', ({ data }) => {
      if (data.kind === 'ready') resolve();
      if (data.kind !== 'response') return;
      const done = pending.get(data.id);
      pending.delete(data.id);
      if (data.ok) done.resolve(data.result);
      else done.reject(new Error(data.error.message));
    });
  });
  const call = (method, args) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      worker.postMessage({ kind: 'request', id, method, args });
    });
  // Restore as the main thread sees it: until the status says ready (a search meanwhile is
  // answered from titles, since issue 13), then the first search from the index.
  let status = await call('status', undefined);
  while (!status.ready) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    status = await call('status', undefined);
  }
  const searchableMs = performance.now() - started;
  await call('search', { query: 'warmup', limit: 1 });
  const firstSearchReadyMs = performance.now() - started;
  status = await call('status', undefined);
  // Warm the code up with queries of their own (bodies read now are not read again below).
  for (const q of ['alpha', 'beta', 'gamma', 'delta', 'epsilon'])
    await call('search', { query: q, limit });
  const run = async (searchLimit) => {
    const out = [];
    for (const { lang, kind, q } of queries) {
      const t0 = performance.now();
      const { total, phases } = await call('search', { query: q, limit: searchLimit });
      out.push({ lang, kind, ms: performance.now() - t0, total, phases });
    }
    return out;
  };
  // Right after start: most texts are read from IndexedDB (the worker reads the vault into
  // memory in the background meanwhile).
  const cold = await run(limit);
  // Then, once the worker holds the texts (builds without that scan answer an unknown method).
  let warmMs = null;
  const waitStarted = performance.now();
  for (;;) {
    const cache = await call('bodyCacheStatus', undefined).catch(() => null);
    if (!cache || cache.warm) {
      warmMs = cache ? performance.now() - started : null;
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    if (performance.now() - waitStarted > 600_000) break;
  }
  const timings = await run(limit);
  const rankingOnly = await run(0);
  worker.terminate();
  return { searchableMs, firstSearchReadyMs, status, cold, warmMs, timings, rankingOnly };
}

/** Every body in memory, then a lower-cased `includes` scan per query word (main thread). */
export async function naiveScanInPage({ queries }) {
  const db = await new Promise((resolve, reject) => {
    const request = indexedDB.open('hearth');
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const bodies = await new Promise((resolve, reject) => {
    const request = db.transaction('bodies').objectStore('bodies').getAll();
    request.onsuccess = () => resolve(request.result.map((b) => b.content.toLowerCase()));
    request.onerror = () => reject(request.error);
  });
  db.close();
  const timings = [];
  for (const { lang, kind, q } of queries) {
    const words = q.toLowerCase().split(/\s+/).filter(Boolean);
    const t0 = performance.now();
    let total = 0;
    for (const body of bodies) if (words.every((w) => body.includes(w))) total++;
    timings.push({ lang, kind, ms: performance.now() - t0, total });
  }
  return { timings };
}

/**
 * Types `q` into the search box as a user does (one input event) and resolves once the answer
 * for `q` is in the page: its count line, or its "no notes match". Also returns the coverage
 * line shown with it ("Searched 2,400 of 6,289 notes — indexing…"), if any.
 */
export async function typeAndWaitInPage(q) {
  const input = document.querySelector('input[type=search]');
  const answered = () =>
    [...document.querySelectorAll('[data-testid=search-count], [data-testid=search-none]')].some(
      (el) => el.dataset.query === q,
    );
  const started = performance.now();
  const painted = new Promise((resolve) => {
    const observer = new MutationObserver(() => {
      if (!answered()) return;
      observer.disconnect();
      resolve();
    });
    observer.observe(document, { subtree: true, childList: true, attributes: true });
  });
  input.value = q;
  input.dispatchEvent(new Event('input', { bubbles: true }));
  await painted;
  const ms = performance.now() - started;
  const coverage = document.querySelector('[data-testid=search-coverage]')?.textContent ?? null;
  const status = document.querySelector('[data-testid=search-index-status]')?.textContent ?? '';
  // The count line's own figure: the worker's time for the answer, queueing excluded.
  const count = document.querySelector('[data-testid=search-count]')?.textContent ?? '';
  const workerMs = Number(/· ([\d.]+) ms/.exec(count)?.[1] ?? NaN);
  return { ms, workerMs, coverage: coverage?.trim() ?? null, indexing: /indexing/.test(status) };
}

/** Deletes the keyword index snapshot, as if it had never been saved. */
export async function dropSavedIndexInPage() {
  const db = await new Promise((resolve, reject) => {
    const request = indexedDB.open('hearth');
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  await new Promise((resolve, reject) => {
    const tx = db.transaction('meta', 'readwrite');
    tx.objectStore('meta').delete('search-index');
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
  });
  db.close();
}
