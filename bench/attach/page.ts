// The attachment bench page, built with the app's Vite config and served from its origin, so the
// raw embedder finds the model and the attachment the app stored (Cache Storage, IndexedDB), and
// pdf.js's worker runs under the same CSP. Node drives it through these two globals.
import { runPdfBench, type PdfRunConfig } from './pdf-runs';
import type { RawEmbedConfig } from './raw-embed.worker';

declare global {
  interface Window {
    runPdfBench: (config: PdfRunConfig) => Promise<unknown>;
    runRawEmbedBench: (config: RawEmbedConfig) => Promise<unknown>;
  }
}

window.runPdfBench = (config) => {
  const file = document.querySelector<HTMLInputElement>('#pdf')?.files?.[0];
  if (!file) throw new Error('no PDF set on #pdf');
  return runPdfBench(file, config);
};

window.runRawEmbedBench = (config) =>
  new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./raw-embed.worker.ts', import.meta.url), {
      type: 'module',
    });
    worker.addEventListener('message', ({ data }: MessageEvent) => {
      const message = data as { kind: string; result?: unknown; error?: string };
      if (message.kind === 'ready') worker.postMessage(config);
      if (message.kind === 'done') {
        worker.terminate();
        resolve(message.result);
      }
      if (message.kind === 'error') reject(new Error(message.error));
    });
    worker.addEventListener('error', (event) => reject(new Error(event.message)));
  });

export {};
