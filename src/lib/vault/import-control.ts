// Cooperative cancellation of an import in the vault worker. The worker is single-threaded, so
// "cancel" and "start saving" can never interleave: either the cancel lands first and nothing is
// written, or saving has begun and the import finishes (the user is told so).
import { HearthError } from '../errors';

export class ImportCancelledError extends HearthError {
  override name = 'ImportCancelled';
  constructor() {
    super('Import cancelled. Nothing was imported.');
  }
}

export type CancelAnswer = 'stopped' | 'too-late';

export class ImportControl {
  #cancelled = false;
  #saving = false;

  /** Throws at a checkpoint once a cancel has been asked for. */
  checkpoint(): void {
    if (this.#cancelled) throw new ImportCancelledError();
  }

  /** The last checkpoint: after it the import commits and can no longer be cancelled. */
  beginSaving(): void {
    this.checkpoint();
    this.#saving = true;
  }

  cancel(): CancelAnswer {
    if (this.#saving) return 'too-late';
    this.#cancelled = true;
    return 'stopped';
  }
}
