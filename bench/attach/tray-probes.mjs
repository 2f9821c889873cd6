// Page-side probes for the attachment bench: functions passed to page.evaluate (they run in the
// browser, so they may only use their arguments). They watch the chat's attachment tray as a
// person sees it: when the attachment appears (read, chunked, stored), each "Indexing n of N
// pieces" it shows, and "Found by meaning and words" (every piece embedded and saved).

/**
 * Starts watching the tray for the attachment `name`; the clock starts at the next `change` of a
 * file input (the pick). Times are ms from the pick.
 */
export function startTrayWatch({ name }) {
  const watch = { t0: 0, storedMs: 0, storedText: '', progress: [], indexedMs: 0, error: '' };
  window.__trayWatch = watch;
  document.addEventListener(
    'change',
    (event) => {
      if (event.target instanceof HTMLInputElement && event.target.type === 'file' && !watch.t0)
        watch.t0 = performance.now();
    },
    { capture: true },
  );
  const now = () => performance.now() - watch.t0;
  const observer = new MutationObserver(() => {
    if (!watch.t0) return;
    const item = [...document.querySelectorAll('[data-testid=attachment-item]')].find(
      (li) => li.querySelector('[data-testid=attachment-name]')?.textContent === name,
    );
    if (!item) {
      const refused = [...document.querySelectorAll('[data-testid=attachment-refused]')].find(
        (li) => li.querySelector('[data-testid=attachment-name]')?.textContent === name,
      );
      if (refused) {
        watch.error = refused.textContent.trim();
        observer.disconnect();
      }
      return;
    }
    if (!watch.storedMs) {
      watch.storedMs = now();
      watch.storedText = item.querySelector('.meta')?.textContent ?? '';
    }
    const status = item.querySelector('[data-testid=attachment-status]')?.textContent ?? '';
    const indexing = /Indexing (\d+) of (\d+) pieces/.exec(status);
    if (indexing) {
      const done = Number(indexing[1]);
      const last = watch.progress.at(-1);
      if (!last || last[1] !== done) watch.progress.push([now(), done, Number(indexing[2])]);
    } else if (status.startsWith('Found by words only')) {
      watch.error = status;
      observer.disconnect();
    } else if (status === 'Found by meaning and words') {
      watch.indexedMs = now();
      observer.disconnect();
    }
  });
  observer.observe(document.body, { childList: true, subtree: true, characterData: true });
  return true;
}

export function trayWatch() {
  const w = window.__trayWatch;
  return { ...w, t0: undefined, progress: w.progress.map(([ms, d, n]) => [+ms.toFixed(1), d, n]) };
}

/** The page-time clock of the pick, for long tasks measured from it. */
export const pickedAt = () => window.__trayWatch.t0;
