// The check before every load: a model's stored files against the SHA-256 recorded when they
// arrived. A file that changed or went missing refuses the load with a message naming it; nothing
// is fetched to repair it (a silent re-download is exactly the swap this check exists to catch).
import { HearthError } from '../errors';
import { sha256OfBlob } from './file-hash';
import type { ModelFileHash } from './types';

/** A model's files differ from the ones recorded when it was installed. */
export class ModelIntegrityError extends HearthError {
  override name = 'ModelIntegrityError';
}

/** Reads one stored file of the model by its path, or null when it is not stored. */
export type ReadStoredFile = (path: string) => Promise<Blob | null>;

export interface FileMismatch {
  path: string;
  problem: 'missing' | 'changed';
}

const listed = (paths: string[]) => paths.map((p) => `“${p}”`).join(', ');

export function integrityMessage(mismatches: FileMismatch[]): string {
  const changed = mismatches.filter((m) => m.problem === 'changed').map((m) => m.path);
  const missing = mismatches.filter((m) => m.problem === 'missing').map((m) => m.path);
  const parts: string[] = [];
  if (changed.length) parts.push(`changed since it was stored: ${listed(changed)}`);
  if (missing.length) parts.push(`missing: ${listed(missing)}`);
  return (
    `Hearth refused to load this model: its files are not the ones it recorded (${parts.join('; ')}). ` +
    'Nothing was downloaded to replace them. Delete the model and download or import it again.'
  );
}

/** Which expected files are missing or differ; `actual` holds the hashes of the files found. */
export function compareFileHashes(
  expected: ModelFileHash[],
  actual: ReadonlyMap<string, ModelFileHash>,
): FileMismatch[] {
  const mismatches: FileMismatch[] = [];
  for (const file of expected) {
    const found = actual.get(file.path);
    if (!found) mismatches.push({ path: file.path, problem: 'missing' });
    else if (found.sizeBytes !== file.sizeBytes || found.sha256 !== file.sha256.toLowerCase())
      mismatches.push({ path: file.path, problem: 'changed' });
  }
  return mismatches;
}

/** Hashes each path's stored file; a file that is not stored is left out. */
export async function hashStoredFiles(
  paths: string[],
  read: ReadStoredFile,
): Promise<Map<string, ModelFileHash>> {
  const hashes = new Map<string, ModelFileHash>();
  for (const path of paths) {
    const blob = await read(path);
    if (blob) hashes.set(path, { path, ...(await sha256OfBlob(blob)) });
  }
  return hashes;
}

/**
 * Hashes the stored files and compares them with `expected`; throws ModelIntegrityError on any
 * difference. A file whose size already differs is not read at all.
 */
export async function verifyStoredFiles(
  expected: ModelFileHash[],
  read: ReadStoredFile,
): Promise<ModelFileHash[]> {
  const actual = new Map<string, ModelFileHash>();
  for (const file of expected) {
    const blob = await read(file.path);
    if (!blob) continue;
    actual.set(
      file.path,
      blob.size === file.sizeBytes
        ? { path: file.path, ...(await sha256OfBlob(blob)) }
        : { path: file.path, sizeBytes: blob.size, sha256: '' },
    );
  }
  const mismatches = compareFileHashes(expected, actual);
  if (mismatches.length) throw new ModelIntegrityError(integrityMessage(mismatches));
  return expected.map((file) => actual.get(file.path) ?? file);
}
