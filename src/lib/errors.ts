// Named errors the UI can tell apart; `message` is always fit to show a user.

export class HearthError extends Error {
  override name = 'HearthError';
}

/** The browser refused a write because Hearth's storage quota is used up. */
export class StorageFullError extends HearthError {
  override name = 'StorageFullError';
  constructor(what: string, options?: ErrorOptions) {
    super(
      `Couldn't save ${what}: this browser's storage for Hearth is full. Nothing already saved was lost. ` +
        'Free space (empty the trash, export and delete old notes) or allow more storage, then try again.',
      options,
    );
  }
}

export class NotFoundError extends HearthError {
  override name = 'NotFoundError';
}

export class ImportFailedError extends HearthError {
  override name = 'ImportFailedError';
}

export class PathConflictError extends HearthError {
  override name = 'PathConflictError';
}

/** True for the ways browsers and Dexie report a full disk or quota. */
export function isQuotaError(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    const e = current as { name?: string; message?: string; inner?: unknown; cause?: unknown };
    if (e.name === 'QuotaExceededError' || e.name === 'StorageFullError') return true;
    if (
      typeof e.message === 'string' &&
      /quota|disk is full|no space|failed to write blobs/i.test(e.message)
    )
      return true;
    current = e.inner ?? e.cause;
  }
  return false;
}

/**
 * True for a write the browser refused for want of room. Besides quota errors, a disk with no
 * room left makes Chromium abort the transaction or fail inside its backing store, and Dexie then
 * reports an AbortError or UnknownError ("Internal error: backing store error…"), or a BulkError /
 * ModifyError whose failures are all of those.
 */
export function isRefusedWrite(error: unknown): boolean {
  if (isQuotaError(error)) return true;
  const e = error as { name?: string; failures?: unknown; inner?: unknown } | null;
  if (e?.name === 'AbortError' || e?.name === 'UnknownError') return true;
  // The same abort met by Dexie's open (the browser closes every connection at a refused write):
  // Dexie then answers each call with it, inside a DatabaseClosedError, until it opens again.
  if (e?.name === 'DatabaseClosedError') return e.inner != null && isRefusedWrite(e.inner);
  if (e?.name !== 'BulkError' && e?.name !== 'ModifyError') return false;
  // A unique-path clash is a BulkError too; it is not a full disk.
  const failures = Array.isArray(e.failures) ? (e.failures as unknown[]) : [];
  return failures.length === 0 || failures.every(isRefusedWrite);
}

/**
 * The browser closed the database's connections under a transaction, as Chromium does after a
 * write the disk refused. Dexie reopens on the next call, so a read can simply be tried again.
 */
export function isConnectionClosed(error: unknown): boolean {
  const e = error as { name?: string; message?: unknown } | null;
  return (
    (e?.name === 'AbortError' || e?.name === 'DatabaseClosedError') &&
    /connection (was|is) closed/i.test(String(e.message))
  );
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/** A model file is not where it should be (404, an HTML page instead, or not in an imported folder). */
export class ModelFileMissingError extends HearthError {
  override name = 'ModelFileMissingError';
}

/** A picked model folder is incomplete or malformed; the message names the file. */
export class ModelImportError extends HearthError {
  override name = 'ModelImportError';
}

/** The model download cannot fit in the storage the browser grants Hearth. */
export class ModelTooLargeError extends HearthError {
  override name = 'ModelTooLargeError';
}

/** A request Hearth refused to make (off the allowed hosts, or a model that must stay offline). */
export class NetworkBlockedError extends HearthError {
  override name = 'NetworkBlockedError';
}

/** The device cannot run this model (no WebGPU, missing shader-f16, lost GPU device). */
export class ModelUnsupportedError extends HearthError {
  override name = 'ModelUnsupportedError';
}
