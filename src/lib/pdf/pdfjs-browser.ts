// pdf.js as the browser app loads it: the modern build, its worker as a same-origin module file
// (emitted by Vite, precached by the service worker, allowed by `worker-src 'self'`), and pdf.js's
// predefined CMaps as bundled files. Those CMaps are only read for CJK PDFs whose fonts are not
// embedded; each is fetched from the app's own origin the first time such a PDF needs it.
import * as pdfjs from 'pdfjs-dist';
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';
import type { PdfjsRuntime } from './pdf-text';

// 169 files, 1.7 MB in all: hashed assets listed here, fetched on demand, precached as `*.bcmap`.
const cMapUrls = import.meta.glob<string>('/node_modules/pdfjs-dist/cmaps/*.bcmap', {
  query: '?url',
  import: 'default',
  eager: true,
  exhaustive: true,
});

async function readCMap(fileName: string): Promise<Uint8Array> {
  const url = cMapUrls[`/node_modules/pdfjs-dist/cmaps/${fileName}`];
  if (!url) throw new Error(`pdf.js asked for an unknown CMap: ${fileName}`);
  const response = await fetch(url);
  if (!response.ok) throw new Error(`CMap ${fileName} could not be read (${response.status})`);
  return new Uint8Array(await response.arrayBuffer());
}

export function browserRuntime(): PdfjsRuntime {
  return {
    pdfjs,
    // A worker per document, ended with it: a PDF's memory goes when its text is out.
    spawnWorker: () => new Worker(workerUrl, { type: 'module', name: 'pdf.js' }),
    readCMap,
  };
}
