// Reading, unzipping and chunking an attachment run on the page's thread (pdf.js has its own
// worker). A loop over thousands of files gives the page a turn when it has worked for a frame's
// time, rather than after every file: a timer turn costs ~4 ms in a browser, which per file would
// add 8 s to a 2,000-file repository.

const frameMs = 12;

/** A function to await inside a long loop: resolves at once unless the loop has had its frame. */
export function breather(): () => Promise<void> {
  let since = performance.now();
  return async () => {
    if (performance.now() - since < frameMs) return;
    await new Promise((resolve) => setTimeout(resolve, 0));
    since = performance.now();
  };
}
