// PDF extraction on the bench page, three ways taken in turns on the same File, so load elsewhere
// on the machine falls on all alike:
//  - app: the app's entry for a picked file, readAttachment → readFile → extractPdfText (pdf.js in
//    its own worker, the app's pageText joining, limits and progress), then chunkDoc's pieces
//    (timed on their own too, `chunkMs`);
//  - pdfjs: pdf.js alone through the app's adapter (same module, a fresh worker per document,
//    same safe parameters): load the document and getTextContent for every page, nothing else;
//  - bytes: only reading the File's bytes.
// Long tasks on this page's main thread are collected for each run.
import { chunkDoc } from '../../src/lib/attachments/attachment-chunks';
import { sourceFile } from '../../src/lib/attachments/group-sources';
import { readAttachment } from '../../src/lib/attachments/read-attachment';
import { extractPdfText } from '../../src/lib/pdf/pdf-text';

export interface PdfRunConfig {
  /** Timed runs of each way, after one untimed warm-up of each. */
  runs: number;
}

const longTasks: { at: number; ms: number }[] = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) longTasks.push({ at: e.startTime, ms: e.duration });
}).observe({ type: 'longtask', buffered: true });

const round = (x: number, digits = 1) => +x.toFixed(digits);

async function timed<T>(work: () => Promise<T>) {
  const from = performance.now();
  const value = await work();
  const to = performance.now();
  // A long task is reported after it ends: give the observer a turn before reading.
  await new Promise((resolve) => setTimeout(resolve, 50));
  const tasks = longTasks.filter((t) => t.at >= from && t.at <= to).map((t) => Math.round(t.ms));
  return { ms: to - from, longTasks: tasks, value };
}

async function appRun(file: File) {
  const read = await readAttachment(
    { kind: 'file', name: file.name, file: sourceFile(file.name, file) },
    { extractPdf: extractPdfText },
  );
  const doc = read.docs[0]!;
  // The pieces stored with it (chunkDoc, on this thread): timed apart, reported apart.
  const from = performance.now();
  const chunks = chunkDoc(doc).length;
  const chunkMs = round(performance.now() - from);
  return { pages: doc.pages?.length ?? 0, chars: doc.text.length, chunks, chunkMs };
}

async function pdfjsRun(file: File) {
  const runtime = (await import('../../src/lib/pdf/pdfjs-browser')).browserRuntime();
  const bytes = new Uint8Array(await file.arrayBuffer());
  const port = runtime.spawnWorker()!;
  const worker = runtime.pdfjs.PDFWorker.create({ port, verbosity: 0 });
  const task = runtime.pdfjs.getDocument({
    data: bytes,
    worker,
    useSystemFonts: false,
    disableFontFace: true,
    useWasm: false,
    useWorkerFetch: false,
    enableXfa: false,
    isOffscreenCanvasSupported: false,
    isImageDecoderSupported: false,
    disableRange: true,
    disableStream: true,
    disableAutoFetch: true,
    disableWorkerRendering: true,
    stopAtErrors: false,
    verbosity: 0,
  });
  try {
    const doc = await task.promise;
    let items = 0;
    for (let n = 1; n <= doc.numPages; n++) {
      const page = await doc.getPage(n);
      items += (await page.getTextContent()).items.length;
    }
    return { pages: doc.numPages, items };
  } finally {
    void task.destroy();
    worker.destroy();
    port.terminate();
  }
}

const ways: Record<string, (file: File) => Promise<Record<string, number>>> = {
  app: appRun,
  pdfjs: pdfjsRun,
  bytes: async (file: File) => ({ bytes: (await file.arrayBuffer()).byteLength }),
};

export async function runPdfBench(file: File, config: PdfRunConfig) {
  const out: Record<string, { ms: number; longTasks: number[]; chunkMs?: number }[]> = {};
  const shapes: Record<string, unknown> = {};
  for (const [name, run] of Object.entries(ways)) {
    const warm = await timed(() => run(file));
    shapes[name] = { ...warm.value, warmupMs: round(warm.ms) };
    out[name] = [];
  }
  for (let i = 0; i < config.runs; i++)
    for (const [name, run] of Object.entries(ways)) {
      const { ms, longTasks: tasks, value } = await timed(() => run(file));
      const chunkMs = value.chunkMs;
      out[name]!.push({
        ms: round(ms),
        longTasks: tasks,
        ...(chunkMs === undefined ? {} : { chunkMs }),
      });
    }
  return { sizeBytes: file.size, shapes, runs: out };
}
