// Page-side probes for the LLM bench: functions passed to page.evaluate (they run in the browser,
// so they may only use their arguments) plus the UI steps they time.
import { fileURLToPath } from 'node:url';
import { runnerImport } from 'vite';

/** Writes the deterministic tiny Llama fixture (loaded through Vite's runner: there is no tsx). */
export async function generateTinyLlama(dir) {
  const fixture = fileURLToPath(new URL('../tests/fixtures/tiny-llama.ts', import.meta.url));
  const { module } = await runnerImport(fixture, { configFile: false, logLevel: 'warn' });
  return module.generateTinyLlama(dir);
}

/** Imports the model folder through the Models page and waits for its row. */
export async function importModel(page, url, modelDir) {
  await page.goto(`${url}models`);
  // A fresh profile precaches the app and the ONNX runtime first; loading waits until that is done.
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.getByLabel('Model folder').setInputFiles(modelDir);
  await page.getByTestId('installed-model').waitFor({ timeout: 60_000 });
}

/**
 * Clicks Load on the Models page and returns the ms from the click to the "Loaded" badge, both
 * taken in the page (capturing click listener, MutationObserver).
 */
export async function timeLoad(page) {
  await page.evaluate(() => {
    window.__load = new Promise((resolve) => {
      let clickedAt = 0;
      const onClick = (event) => {
        if (event.target.closest('button')?.textContent?.trim() === 'Load') {
          clickedAt = performance.now();
          document.removeEventListener('click', onClick, true);
        }
      };
      document.addEventListener('click', onClick, true);
      const observer = new MutationObserver(() => {
        if (clickedAt && document.querySelector('[data-testid=model-loaded]')) {
          observer.disconnect();
          resolve(performance.now() - clickedAt);
        }
      });
      observer.observe(document.body, { childList: true, subtree: true });
    });
  });
  await page.getByRole('button', { name: 'Load', exact: true }).click();
  return page.evaluate(() => window.__load);
}

export async function unload(page) {
  await page.getByRole('button', { name: 'Unload' }).click();
  await page.getByRole('button', { name: 'Load', exact: true }).waitFor();
}

/**
 * Runs in the page before Send: records the Send click time, the first non-empty answer text
 * (DOM mutation and the frame after it) and every long task / long animation frame.
 */
export function installProbes() {
  const probe = {
    loadingSeen: false,
    loadingEndAt: 0,
    clickAt: 0,
    firstTextAt: 0,
    firstFrameAt: 0,
    longTasks: [],
    longFrames: [],
  };
  window.__probe = probe;
  const onClick = (event) => {
    if (event.target.closest('button')?.textContent?.trim() === 'Send') {
      probe.clickAt = performance.now();
      document.removeEventListener('click', onClick, true);
    }
  };
  document.addEventListener('click', onClick, true);
  // The answer's text lives in `.markdown`; "Thinking…" sits beside it and does not count.
  const selector =
    '[data-testid=chat-message][data-role=assistant][data-status=streaming] .markdown';
  const observer = new MutationObserver(() => {
    // Every answer passes through the "loading" phase; a warm one leaves it at once.
    const loading = !!document.querySelector('[data-testid=model-loading]');
    if (loading) probe.loadingSeen = true;
    else if (probe.loadingSeen && !probe.loadingEndAt) probe.loadingEndAt = performance.now();
    const text = document.querySelector(selector)?.textContent ?? '';
    if (!probe.clickAt || !text.trim() || loading) return;
    probe.firstTextAt = performance.now();
    observer.disconnect();
    requestAnimationFrame(() => (probe.firstFrameAt = performance.now()));
  });
  observer.observe(document.body, { childList: true, subtree: true, characterData: true });
  const observe = (type, into) => {
    if (!PerformanceObserver.supportedEntryTypes.includes(type))
      return (probe[type] = 'unsupported');
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) into.push(+e.duration.toFixed(1));
    }).observe({ type, buffered: false });
  };
  observe('longtask', probe.longTasks);
  observe('long-animation-frame', probe.longFrames);
}

/** Runs in the page: the newest assistant message of a conversation, read with raw IndexedDB. */
export async function latestAnswer(conversationId) {
  const db = await new Promise((resolve, reject) => {
    const request = indexedDB.open('hearth');
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const all = await new Promise((resolve, reject) => {
    const request = db.transaction('messages').objectStore('messages').getAll();
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  db.close();
  const answers = all
    .filter((m) => m.conversationId === conversationId && m.role === 'assistant')
    .sort((a, b) => a.createdAt - b.createdAt);
  const m = answers.at(-1);
  return m ? { status: m.status, chars: m.content.length, stats: m.stats ?? null } : null;
}

/** CDP renderer main-thread counters, in ms. */
export async function mainThreadMs(cdp) {
  const { metrics } = await cdp.send('Performance.getMetrics');
  const get = (name) => (metrics.find((m) => m.name === name)?.value ?? 0) * 1000;
  return {
    task: get('TaskDuration'),
    script: get('ScriptDuration'),
    layout: get('LayoutDuration'),
    style: get('RecalcStyleDuration'),
  };
}

export const delta = (after, before) =>
  Object.fromEntries(Object.keys(after).map((k) => [k, after[k] - before[k]]));
