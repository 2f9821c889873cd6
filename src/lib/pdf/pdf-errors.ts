// Why a PDF could not be read, as named errors the attachment UI can tell apart and show as is.
import { HearthError } from '../errors';
import { formatMegabytes, formatMegabytesCeil } from '../format-bytes';

export class PdfEncryptedError extends HearthError {
  override name = 'PdfEncryptedError';
  constructor(options?: ErrorOptions) {
    super(
      'This PDF is password-protected, and Hearth does not read encrypted PDFs. ' +
        'Save an unprotected copy (for example with “Print to PDF”) and attach that instead.',
      options,
    );
  }
}

export class PdfDamagedError extends HearthError {
  override name = 'PdfDamagedError';
  constructor(options?: ErrorOptions) {
    super(
      'This PDF could not be read: the file is damaged or is not really a PDF. Nothing was added.',
      options,
    );
  }
}

export class PdfNoTextError extends HearthError {
  override name = 'PdfNoTextError';
  constructor(pagesRead: number) {
    super(
      `This PDF has no text to read in ${pagesRead === 1 ? 'its page' : `its ${pagesRead} pages`}: ` +
        'it looks scanned or made of images. Run it through text recognition (OCR) first, then attach the result.',
    );
  }
}

export class PdfTooLargeError extends HearthError {
  override name = 'PdfTooLargeError';
  constructor(sizeBytes: number, maxBytes: number) {
    super(
      `This PDF is ${formatMegabytes(sizeBytes)}; Hearth reads PDFs up to ${formatMegabytesCeil(maxBytes)}. ` +
        'Split it into smaller files and attach the parts you need.',
    );
  }
}

/** The PDF reader's own worker did not start (a missing or blocked script file, not the PDF's fault). */
export class PdfReaderFailedError extends HearthError {
  override name = 'PdfReaderFailedError';
  constructor(options?: ErrorOptions) {
    super('The PDF reader could not start. Reload Hearth and try again.', options);
  }
}
