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
    if (typeof e.message === 'string' && /quota|disk is full|no space/i.test(e.message))
      return true;
    current = e.inner ?? e.cause;
  }
  return false;
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
