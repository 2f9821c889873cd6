// Reads the text of a PDF with pdf.js. Parsing runs in pdf.js's own worker (a same-origin,
// precached script), so a large PDF never blocks the page; this side only joins text items.
// pdf.js itself (≈ 0.5 MB) loads on the first PDF, never with the app. Nothing here fetches:
// no fonts, no wasm, no network; the CMaps some CJK PDFs need come bundled (pdfjs-browser.ts).
import type {
  DocumentInitParameters,
  PDFDocumentProxy,
  TextItem,
} from 'pdfjs-dist/types/src/display/api';
import type * as Pdfjs from 'pdfjs-dist';
import { HearthError } from '../errors';
import { pageText } from './page-text';
import {
  PdfDamagedError,
  PdfEncryptedError,
  PdfNoTextError,
  PdfReaderFailedError,
  PdfTooLargeError,
} from './pdf-errors';

export type PdfjsModule = Pick<typeof Pdfjs, 'getDocument' | 'PDFWorker'>;

/** What extraction needs from its surroundings; tests pass a Node one (see pdfjs-browser.ts). */
export interface PdfjsRuntime {
  pdfjs: PdfjsModule;
  /** A fresh pdf.js worker for one document, or null to let pdf.js run its worker code in-thread (Node). */
  spawnWorker(): Worker | null;
  /** One of pdf.js's predefined CMaps (`UniJIS-UCS2-H.bcmap`…), from the app's own files. */
  readCMap(fileName: string): Promise<Uint8Array>;
}

export interface PdfTextOptions {
  maxPages: number;
  maxChars: number;
  /** Files above this are refused before parsing (pdf.js holds the whole file in memory). */
  maxBytes?: number;
  signal?: AbortSignal;
  onProgress?: (page: number, pages: number) => void;
}

export interface PdfText {
  pages: { number: number; text: string }[];
  title: string | null;
  /** Pages in the file; more than `pages.length` when the page limit cut it short. */
  pageCount: number;
  /** True when maxPages or maxChars stopped reading before the end of the file. */
  truncated: boolean;
}

export const DEFAULT_MAX_PDF_BYTES = 64 * 2 ** 20;

// Everything that could fetch, run code or draw is off: text extraction needs none of it.
const SAFE_PARAMETERS = {
  useSystemFonts: false,
  disableFontFace: true,
  useWasm: false,
  useWorkerFetch: false,
  enableXfa: false,
  isOffscreenCanvasSupported: false,
  isImageDecoderSupported: false,
  disableWorkerRendering: true,
  disableRange: true,
  disableStream: true,
  disableAutoFetch: true,
  // Recover what can be read from a glitch inside a page (a bad font, an odd operator) rather than
  // refuse the file; a broken file structure still fails to open and is reported as damaged.
  stopAtErrors: false,
  verbosity: 0,
} satisfies DocumentInitParameters;

/** Errors pdf.js raises for a file it cannot parse (worker exceptions cross over as Unknown…). */
const DAMAGED = new Set(['InvalidPDFException', 'UnknownErrorException', 'FormatError']);

export function createPdfTextExtractor(loadRuntime: () => Promise<PdfjsRuntime>) {
  return async function extractPdfText(
    bytes: Uint8Array,
    options: PdfTextOptions,
  ): Promise<PdfText> {
    const maxBytes = options.maxBytes ?? DEFAULT_MAX_PDF_BYTES;
    if (!(options.maxPages >= 1 && options.maxChars >= 1))
      throw new RangeError('maxPages and maxChars must be at least 1');
    options.signal?.throwIfAborted();
    if (bytes.byteLength > maxBytes) throw new PdfTooLargeError(bytes.byteLength, maxBytes);
    const runtime = await loadRuntime();
    options.signal?.throwIfAborted();
    return readDocument(runtime, bytes, options);
  };
}

async function readDocument(
  runtime: PdfjsRuntime,
  bytes: Uint8Array,
  { maxPages, maxChars, signal, onProgress }: PdfTextOptions,
): Promise<PdfText> {
  const port = runtime.spawnWorker();
  const worker = port
    ? runtime.pdfjs.PDFWorker.create({ port, verbosity: SAFE_PARAMETERS.verbosity })
    : undefined;
  // Pending pdf.js calls may never settle once the worker is gone: every await also races these.
  // A worker script that fails to load never answers, so its error event is a failure too.
  const listening = new AbortController();
  const stopped = new Promise<never>((_, reject) => {
    port?.addEventListener('error', (event) => reject(new PdfReaderFailedError({ cause: event })), {
      signal: listening.signal,
    });
    signal?.addEventListener('abort', () => reject(signal.reason as Error), {
      signal: listening.signal,
    });
  });
  stopped.catch(() => undefined);
  class LocalCMaps {
    fetch({ kind, filename }: { kind: string; filename: string }): Promise<Uint8Array> {
      if (kind === 'cMapUrl') return runtime.readCMap(filename);
      // Standard fonts and wasm decoders are only for drawing; pdf.js carries on without them.
      return Promise.reject(new Error(`${kind} is not available offline`));
    }
  }
  const task = runtime.pdfjs.getDocument({
    ...SAFE_PARAMETERS,
    // pdf.js transfers a typed array to its worker, detaching it: give it a copy.
    data: bytes.slice(),
    worker,
    BinaryDataFactory: LocalCMaps,
  });
  signal?.addEventListener('abort', () => void task.destroy(), { signal: listening.signal });
  const step = <T>(promise: Promise<T>): Promise<T> => Promise.race([promise, stopped]);

  try {
    const doc = await step(task.promise);
    const pageCount = doc.numPages;
    const pagesToRead = Math.min(pageCount, maxPages);
    const pages: PdfText['pages'] = [];
    let chars = 0;
    let truncated = pageCount > pagesToRead;
    for (let number = 1; number <= pagesToRead; number++) {
      signal?.throwIfAborted();
      const page = await step(doc.getPage(number));
      const content = await step(page.getTextContent());
      let text = pageText(content.items.filter((item): item is TextItem => 'str' in item));
      page.cleanup();
      const overBudget = chars + text.length > maxChars;
      if (overBudget) text = cutAtLine(text, maxChars - chars);
      if (!overBudget || text !== '') pages.push({ number, text });
      chars += text.length;
      onProgress?.(number, pagesToRead);
      if (overBudget) {
        truncated = true;
        break;
      }
    }
    signal?.throwIfAborted();
    if (pages.every((p) => p.text.trim() === '')) throw new PdfNoTextError(pages.length);
    return { pages, title: await step(readTitle(doc)), pageCount, truncated };
  } catch (error) {
    throw translate(error, signal);
  } finally {
    listening.abort();
    const destroyed = task.destroy().catch(() => undefined);
    // A worker of our own is simply ended: waiting for a dead one to confirm would never finish.
    if (port) {
      worker?.destroy();
      port.terminate();
    } else await destroyed;
  }
}

/** At most `budget` characters, ending at a line break when there is one. */
function cutAtLine(text: string, budget: number): string {
  if (budget <= 0) return '';
  const head = text.slice(0, budget);
  const lastBreak = head.lastIndexOf('\n');
  return (lastBreak > 0 ? head.slice(0, lastBreak) : head).trimEnd();
}

async function readTitle(doc: PDFDocumentProxy): Promise<string | null> {
  const { info, metadata } = await doc.getMetadata();
  const fromInfo = (info as { Title?: unknown } | null)?.Title;
  const fromXmp: unknown = metadata?.get('dc:title');
  return (
    [fromInfo, fromXmp].map((c) => (typeof c === 'string' ? c.trim() : '')).find((c) => c) ?? null
  );
}

function translate(error: unknown, signal: AbortSignal | undefined): unknown {
  if (signal?.aborted) return signal.reason;
  if (error instanceof HearthError) return error;
  const name = error instanceof Error ? error.name : '';
  if (name === 'PasswordException') return new PdfEncryptedError({ cause: error });
  if (DAMAGED.has(name)) return new PdfDamagedError({ cause: error });
  return error;
}

/** Reads a PDF's text in the browser; pdf.js and its worker load on first use. */
export const extractPdfText = createPdfTextExtractor(async () =>
  (await import('./pdfjs-browser')).browserRuntime(),
);
