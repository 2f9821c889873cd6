// What happens before any model loads: its stored record is checked (spec-check.ts), then its
// files are hashed and compared with the SHA-256 recorded when they arrived (file-check.ts).
//
// Records written before Hearth recorded hashes have none. Their first load after the upgrade
// hashes the files as they are and records that as the pin (`how: 'first-load'`): every later load
// is checked against it. Their revision stays unknown ("not pinned to a commit") until the user
// takes an update, which downloads a pinned commit.
import { ModelFileMissingError } from '../errors';
import { checkStoredRecord } from './spec-check';
import type { InstalledModel, ModelFileHash, ModelSpec } from './types';

export interface FileChecker {
  checkFiles(spec: ModelSpec, expected: ModelFileHash[] | null): Promise<ModelFileHash[]>;
}

/**
 * Throws when the model must not load (InvalidModelRecordError, ModelIntegrityError). Resolves to
 * the record to save when this load pinned a record that had no hashes, else null.
 */
export async function checkBeforeLoad(
  model: InstalledModel,
  checker: FileChecker,
  nowMs = Date.now(),
): Promise<InstalledModel | null> {
  checkStoredRecord(model);
  if (model.pin?.files.length) {
    await checker.checkFiles(model.spec, model.pin.files);
    return null;
  }
  const files = await checker.checkFiles(model.spec, null);
  if (!files.length)
    throw new ModelFileMissingError(
      `None of ${model.name}'s files are on this device. Delete it and download or import it again.`,
    );
  return { ...model, pin: { files, pinnedAt: nowMs, how: 'first-load' } };
}
