// The optional `models/` part of a backup (format 4): the installed models' files themselves, so
// a model moves to a machine with no network. Each file is an entry at a name computed from its
// model's key and its recorded path, and is what models.json records for it (size and SHA-256,
// `pin.files`). Reading checks all of that before anything is written: a model comes whole or the
// backup is refused; an entry no record names is refused too.
import type * as v from 'valibot';
import { safeRelativePath } from '../vault/paths';
import { specProblem } from '../llm/spec-check';
import { modelKey, type InstalledModel } from '../llm/types';
import { BundleError } from './bundle-parse';
import type { modelSchema } from './bundle-format';

export const modelsDir = 'models/';

/** The format of a backup that carries `models/`; one without it is still written as format 3. */
export const modelsFormat = 4;

/**
 * Limits for `models/` entries, far above the other entries' (a model's weights run to gigabytes:
 * an ONNX file's external data, a few GB of WebLLM shards). They are stored, never deflated, so
 * reading one never inflates anything: it is hashed in slices and restored straight from the file.
 */
export const maxModelEntryBytes = 32 * 1024 ** 3;
export const maxModelsBytes = 256 * 1024 ** 3;

type ModelRow = v.InferOutput<typeof modelSchema>;

const isUrl = (path: string) => /^[a-z]+:\/\//i.test(path);

/**
 * The entry name of one recorded file: `models/<engine>/<rest of the key>/<path>`, e.g.
 * `models/transformers/Xenova/bge-small-en-v1.5@q8/onnx/model_quantized.onnx`. A file recorded
 * by URL (a WebLLM model library on another host) goes under `url/` with its URL percent-encoded
 * as one name. Null when the name would not be a safe relative path (such a model is not carried).
 */
export function modelEntryPath(key: string, path: string): string | null {
  const colon = key.indexOf(':');
  if (colon < 1) return null;
  if (!isUrl(path) && (safeRelativePath(path) !== path || /%2e/i.test(path))) return null;
  const file = isUrl(path) ? `url/${encodeURIComponent(path)}` : path;
  const name = `${modelsDir}${key.slice(0, colon)}/${key.slice(colon + 1)}/${file}`;
  return safeRelativePath(name) === name && !/%2e/i.test(name.slice(0, -file.length)) ? name : null;
}

/** One file of a carried model, proven to be the one models.json records. */
export interface CarriedFile {
  path: string;
  sizeBytes: number;
  sha256: string;
  /** Its bytes: a slice of the backup itself for a large one (never held in memory). */
  blob: Blob;
}

export interface CarriedModel {
  model: InstalledModel;
  files: CarriedFile[];
  sizeBytes: number;
}

/** Where each of a model's files would be in the bundle; refuses a record that cannot be carried. */
function entryNames(model: InstalledModel): Map<string, string> {
  const names = new Map<string, string>();
  const { spec } = model;
  for (const file of model.pin?.files ?? []) {
    const name = modelEntryPath(model.key, file.path);
    // A URL is allowed for one file only: a WebLLM model's library, which the record names.
    const urlOk = !isUrl(file.path) || (spec.engine === 'webllm' && file.path === spec.modelLibUrl);
    if (!name || !urlOk)
      throw new BundleError(
        `models.json records a file of “${model.name}” at a path a backup cannot carry ` +
          `(“${file.path.slice(0, 200)}”).`,
      );
    names.set(file.path, name);
  }
  return names;
}

/**
 * The models whose files the bundle carries, each checked whole: a valid record (spec-check.ts),
 * every recorded file present, each entry's size and SHA-256 (proven against the manifest while
 * it was read) equal to what models.json records. `take` removes an entry from what is left, so
 * a `models/` entry that belongs to no record stays behind and is refused by the caller.
 */
export function readModelsPart(
  models: readonly ModelRow[],
  manifest: ReadonlyMap<string, { bytes: number; sha256: string }>,
  take: (name: string) => Blob | null,
  format: number,
): CarriedModel[] {
  const carried: CarriedModel[] = [];
  const claimed = new Set<string>();
  const anyCarried = [...manifest.keys()].some((path) => path.startsWith(modelsDir));
  if (anyCarried && format < modelsFormat)
    throw new BundleError(
      `its manifest says format ${format}, but it carries model files (format ${modelsFormat}).`,
    );
  if (!anyCarried) return carried;
  for (const model of models) {
    const recorded = model.pin?.files ?? [];
    const prefix = modelEntryPath(model.key, 'x')?.slice(0, -1);
    const names = [...manifest.keys()].filter((p) => prefix && p.startsWith(prefix));
    if (names.length === 0) continue;
    // The spec is checked field by field here before anything acts on it (spec-check.ts).
    const record = model as unknown as InstalledModel;
    const { spec } = record;
    const problem =
      specProblem(spec) ??
      (model.key === modelKey(spec) ? null : 'its key does not match its spec');
    if (problem)
      throw new BundleError(
        `it carries the files of a model Hearth will not install (“${model.name}”: ${problem}).`,
      );
    if (!model.complete || recorded.length === 0)
      throw new BundleError(
        `it carries files of “${model.name}”, but models.json records none of them.`,
      );
    const byPath = entryNames(record);
    const files: CarriedFile[] = [];
    for (const file of recorded) {
      const name = byPath.get(file.path)!;
      if (claimed.has(name))
        throw new BundleError(`two model files would be restored from “${name.slice(0, 200)}”.`);
      claimed.add(name);
      const entry = manifest.get(name);
      if (!entry)
        throw new BundleError(
          `it carries only some of “${model.name}”'s files: “${file.path}” is missing.`,
        );
      if (entry.bytes !== file.sizeBytes || entry.sha256 !== file.sha256.toLowerCase())
        throw new BundleError(
          `“${name}” is not the file models.json records for “${model.name}” (its size or ` +
            `SHA-256 differs).`,
        );
      const blob = take(name);
      if (!blob) throw new BundleError(`it has no ${name}.`);
      files.push({ path: file.path, sizeBytes: file.sizeBytes, sha256: entry.sha256, blob });
    }
    carried.push({
      model: record,
      files,
      sizeBytes: files.reduce((sum, f) => sum + f.sizeBytes, 0),
    });
  }
  return carried;
}
