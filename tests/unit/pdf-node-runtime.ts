// pdf.js as the unit tests run it: its legacy build (which runs in Node) with the worker code
// in-thread, and the CMaps read from node_modules. The browser wiring (a real worker, the CSP,
// the precache) is the e2e suite's to check.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createPdfTextExtractor, type PdfjsRuntime } from '../../src/lib/pdf/pdf-text';

export const cMapDir = join(
  dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json')),
  'cmaps',
);

export async function nodeRuntime(overrides: Partial<PdfjsRuntime> = {}): Promise<PdfjsRuntime> {
  // pdf.js 6 wants Node 22 (Promise.withResolvers); the app's browsers all have it.
  if (!('withResolvers' in Promise)) {
    Object.defineProperty(Promise, 'withResolvers', {
      configurable: true,
      writable: true,
      value<T>() {
        let resolve!: (value: T | PromiseLike<T>) => void;
        let reject!: (reason?: unknown) => void;
        const promise = new Promise<T>((res, rej) => {
          resolve = res;
          reject = rej;
        });
        return { promise, resolve, reject };
      },
    });
  }
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  return {
    pdfjs,
    spawnWorker: () => null,
    readCMap: async (fileName) => new Uint8Array(await readFile(join(cMapDir, fileName))),
    ...overrides,
  };
}

/** Reads PDF text in Node through real pdf.js. */
export const nodeExtractPdf = createPdfTextExtractor(() => nodeRuntime());
