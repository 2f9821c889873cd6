// Whether a download fits in the storage the browser grants Hearth, checked before any byte moves.
import { ModelTooLargeError } from '../errors';

export interface StorageEstimateLike {
  usage?: number | undefined;
  quota?: number | undefined;
}

/**
 * Throws ModelTooLargeError when `neededBytes` (what is still to fetch) exceeds the free quota.
 * An unknown size or quota passes: the browser's own quota error is then the backstop.
 */
export function assertFits(
  name: string,
  neededBytes: number | null,
  estimate: StorageEstimateLike,
  formatBytes: (n: number) => string,
): void {
  if (neededBytes === null || estimate.quota === undefined) return;
  const freeBytes = Math.max(0, estimate.quota - (estimate.usage ?? 0));
  if (neededBytes <= freeBytes) return;
  throw new ModelTooLargeError(
    `${name} needs ${formatBytes(neededBytes)} but this browser lets Hearth store only ${formatBytes(freeBytes)} more. ` +
      'Delete a model you no longer use, or free disk space, then try again. Nothing was downloaded.',
  );
}
