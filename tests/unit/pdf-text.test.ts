// PDF text extraction through real pdf.js (its legacy build, which runs in Node, with the worker
// code in-thread) over PDFs generated at test time. The browser wiring (a real worker, the CSP,
// the precache) is the e2e suite's to check; here the adapter gets a Node runtime instead.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { CELL_SEPARATOR, pageText, type TextRun } from '../../src/lib/pdf/page-text';
import {
  PdfDamagedError,
  PdfEncryptedError,
  PdfNoTextError,
  PdfReaderFailedError,
  PdfTooLargeError,
} from '../../src/lib/pdf/pdf-errors';
import { createPdfTextExtractor, type PdfTextOptions } from '../../src/lib/pdf/pdf-text';
import {
  CJK_LINE,
  SAMPLE,
  makeDamagedPdf,
  makeEncryptedPdf,
  makeImageOnlyPdf,
  makeManyPagePdf,
  makePredefinedCMapPdf,
  makeSamplePdf,
  manyPageLine,
} from '../fixtures/make-pdf';
import { cMapDir, nodeRuntime } from './pdf-node-runtime';

const extractPdfText = createPdfTextExtractor(() => nodeRuntime());
const roomy: PdfTextOptions = { maxPages: 50, maxChars: 100_000 };
const lines = (text: string | undefined): string[] => (text ?? '').split('\n');

describe('extractPdfText on a generated two-page PDF', () => {
  it('reads both pages, the title, and says nothing was cut', async () => {
    const result = await extractPdfText(makeSamplePdf(), roomy);
    expect(result.pages.map((p) => p.number)).toEqual([1, 2]);
    expect(result.pageCount).toBe(2);
    expect(result.title).toBe(SAMPLE.title);
    expect(result.truncated).toBe(false);
  });

  it('keeps the heading, each table row and each body line on a line of its own', async () => {
    const [first] = (await extractPdfText(makeSamplePdf(), roomy)).pages;
    const expected = [
      SAMPLE.heading,
      ...SAMPLE.table.map((row) => row.join(CELL_SEPARATOR)),
      ...SAMPLE.body,
    ];
    expect(lines(first?.text)).toEqual(expected);
  });

  it('reads Cyrillic, Greek and Japanese exactly, through the ToUnicode CMap', async () => {
    const [, second] = (await extractPdfText(makeSamplePdf(), roomy)).pages;
    expect(lines(second?.text)).toEqual([SAMPLE.secondHeading, ...SAMPLE.nonLatin]);
  });

  it('leaves the caller’s bytes intact (pdf.js would detach a transferred array)', async () => {
    const bytes = makeSamplePdf();
    const copy = bytes.slice();
    await extractPdfText(bytes, roomy);
    expect(bytes).toEqual(copy);
  });

  it('reads the same text every time', async () => {
    const once = await extractPdfText(makeSamplePdf(), roomy);
    expect(await extractPdfText(makeSamplePdf(), roomy)).toEqual(once);
  });
});

describe('extractPdfText with a worker of its own (the browser path)', () => {
  it('reads through the spawned worker port and ends the worker afterwards', async () => {
    const { WorkerMessageHandler } = (await import(
      // @ts-expect-error pdf.js ships no types for its worker bundle
      'pdfjs-dist/legacy/build/pdf.worker.mjs'
    )) as { WorkerMessageHandler: { initializeFromPort(port: MessagePort): void } };
    const ends: string[] = [];
    const spawn = (): Worker => {
      // A MessageChannel stands in for a Worker: pdf.js's worker code answers on the far port.
      const { port1, port2 } = new MessageChannel();
      WorkerMessageHandler.initializeFromPort(port2);
      port1.start();
      port2.start();
      const terminate = (): void => {
        ends.push('terminated');
        port1.close();
        port2.close();
      };
      return Object.assign(port1, { terminate }) as unknown as Worker;
    };
    const extract = createPdfTextExtractor(() => nodeRuntime({ spawnWorker: spawn }));
    const result = await extract(makeSamplePdf(), roomy);
    expect(lines(result.pages[1]?.text)).toEqual([SAMPLE.secondHeading, ...SAMPLE.nonLatin]);
    expect(ends).toEqual(['terminated']);
    await expect(extract(makeEncryptedPdf(), roomy)).rejects.toBeInstanceOf(PdfEncryptedError);
    expect(ends).toEqual(['terminated', 'terminated']);
  });
});

describe('extractPdfText refuses what it cannot read', () => {
  it('an encrypted PDF: PdfEncryptedError, from pdf.js’s PasswordException', async () => {
    const error = await extractPdfText(makeEncryptedPdf(), roomy).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PdfEncryptedError);
    expect((error as Error).message).toMatch(/password-protected/);
    expect(((error as Error).cause as Error).name).toBe('PasswordException');
  });

  it.each(['garbage', 'truncated'] as const)('a %s file: PdfDamagedError', async (kind) => {
    await expect(extractPdfText(makeDamagedPdf(kind), roomy)).rejects.toBeInstanceOf(
      PdfDamagedError,
    );
  });

  it('an image-only (scanned) PDF: PdfNoTextError', async () => {
    const error = await extractPdfText(makeImageOnlyPdf(), roomy).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PdfNoTextError);
    expect((error as Error).message).toMatch(/OCR/);
  });

  it('a file over maxBytes: PdfTooLargeError stating the limit, before pdf.js loads', async () => {
    const load = vi.fn(() => nodeRuntime());
    const bytes = makeSamplePdf();
    const extract = createPdfTextExtractor(load);
    const error = await extract(bytes, { ...roomy, maxBytes: bytes.length - 1 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PdfTooLargeError);
    expect((error as Error).message).toMatch(/up to 1 MB/);
    expect(load).not.toHaveBeenCalled();
  });

  it('a worker that fails to start: PdfReaderFailedError rather than waiting forever', async () => {
    class DeadWorker extends EventTarget {
      postMessage(): void {
        setTimeout(() => this.dispatchEvent(new Event('error')), 0);
      }
      terminate = vi.fn();
    }
    const dead = new DeadWorker();
    const extract = createPdfTextExtractor(() =>
      nodeRuntime({ spawnWorker: () => dead as unknown as Worker }),
    );
    await expect(extract(makeSamplePdf(), roomy)).rejects.toBeInstanceOf(PdfReaderFailedError);
    expect(dead.terminate).toHaveBeenCalled();
  });
});

describe('extractPdfText limits', () => {
  it('reads only the first maxPages pages and marks the result truncated', async () => {
    const progress: [number, number][] = [];
    const result = await extractPdfText(makeManyPagePdf(30), {
      maxPages: 5,
      maxChars: 100_000,
      onProgress: (page, pages) => progress.push([page, pages]),
    });
    expect(result.pageCount).toBe(30);
    expect(result.truncated).toBe(true);
    expect(result.pages).toEqual(
      [1, 2, 3, 4, 5].map((n) => ({ number: n, text: manyPageLine(n, 30) })),
    );
    expect(progress).toEqual([1, 2, 3, 4, 5].map((n) => [n, 5]));
  });

  it('is not truncated when the page count equals maxPages', async () => {
    const result = await extractPdfText(makeManyPagePdf(4), { maxPages: 4, maxChars: 100_000 });
    expect(result.truncated).toBe(false);
    expect(result.pages).toHaveLength(4);
  });

  it('never returns more than maxChars, and cuts only at line ends', async () => {
    const full = (await extractPdfText(makeSamplePdf(), roomy)).pages.map((p) => p.text);
    const total = full.join('').length;
    for (let maxChars = 1; maxChars <= total + 1; maxChars += 7) {
      const result = await extractPdfText(makeSamplePdf(), { maxPages: 50, maxChars });
      const texts = result.pages.map((p) => p.text);
      expect(texts.join('').length).toBeLessThanOrEqual(maxChars);
      expect(result.truncated).toBe(maxChars < total);
      texts.forEach((text, i) => {
        const source = full[i]!;
        // Whole pages, or whole leading lines (one over-long line may be cut mid-line).
        const whole = text === source || source.startsWith(`${text}\n`);
        expect(whole || (!text.includes('\n') && source.startsWith(text))).toBe(true);
      });
    }
  });

  it('rejects limits below one', async () => {
    await expect(extractPdfText(makeSamplePdf(), { maxPages: 0, maxChars: 10 })).rejects.toThrow(
      RangeError,
    );
  });
});

describe('extractPdfText cancellation', () => {
  it('rejects at once, without loading pdf.js, when already aborted', async () => {
    const load = vi.fn(() => nodeRuntime());
    const controller = new AbortController();
    controller.abort();
    await expect(
      createPdfTextExtractor(load)(makeSamplePdf(), { ...roomy, signal: controller.signal }),
    ).rejects.toMatchObject({ name: 'AbortError' });
    expect(load).not.toHaveBeenCalled();
  });

  it('stops between pages when aborted mid-document', async () => {
    const controller = new AbortController();
    const seen: number[] = [];
    const reading = extractPdfText(makeManyPagePdf(40), {
      ...roomy,
      signal: controller.signal,
      onProgress: (page) => {
        seen.push(page);
        if (page === 2) controller.abort();
      },
    });
    await expect(reading).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen).toEqual([1, 2]);
  });
});

describe('predefined CMaps', () => {
  it('reads Japanese in a non-embedded UniJIS-UCS2-H font from the bundled CMaps', async () => {
    const read = vi.fn(
      async (fileName: string) => new Uint8Array(await readFile(join(cMapDir, fileName))),
    );
    const extract = createPdfTextExtractor(() => nodeRuntime({ readCMap: read }));
    const [page] = (await extract(makePredefinedCMapPdf(), roomy)).pages;
    expect(page?.text).toBe(CJK_LINE);
    expect(read).toHaveBeenCalledWith('UniJIS-UCS2-H.bcmap');
  });

  it('cannot read that text when the CMaps are missing (so the bundling matters)', async () => {
    const extract = createPdfTextExtractor(() =>
      nodeRuntime({ readCMap: () => Promise.reject(new Error('not bundled')) }),
    );
    const outcome = await extract(makePredefinedCMapPdf(), roomy).then(
      (result) => result.pages[0]?.text,
      (error: unknown) => error,
    );
    expect(outcome).not.toBe(CJK_LINE);
  });
});

describe('pageText', () => {
  const run = (str: string, x: number, y: number, width: number, hasEOL = false): TextRun => ({
    str,
    hasEOL,
    transform: [10, 0, 0, 10, x, y],
    width,
  });

  it('starts a new line when the baseline moves, even without an EOL mark', () => {
    expect(pageText([run('Title', 0, 700, 40), run('Body', 0, 680, 30)])).toBe('Title\nBody');
  });

  it('keeps a superscript-sized shift on the same line', () => {
    expect(pageText([run('E = mc', 0, 700, 40), run('2', 40, 703, 5)])).toBe('E = mc2');
  });

  it('turns a wide gap into a cell separator and a narrow one into a space', () => {
    const items = [run('a', 0, 0, 5), run(' ', 5, 0, 40), run('b', 45, 0, 5)];
    expect(pageText(items)).toBe('a\tb');
    expect(pageText([run('a', 0, 0, 5), run(' ', 5, 0, 3), run('b', 8, 0, 5)])).toBe('a b');
    expect(pageText([run('a', 0, 0, 5), run('b', 60, 0, 5)])).toBe('a\tb');
  });

  it('keeps at most one blank line in a row and trims the page', () => {
    const items = [run('a', 0, 0, 5, true), run('', 0, 0, 0, true), run('', 0, 0, 0, true)];
    expect(pageText([...items, run('b', 0, -40, 5)])).toBe('a\n\nb');
  });
});
