// An installed model's record is read back from IndexedDB (or a restored backup) before a load,
// and a load turns its spec into URLs and cache keys. Nothing vouches for a stored record, so it
// is checked again here, the way a custom model is checked when first added: a repo id that is
// not `owner/name`, a model URL off the hub, or a revision that is not a commit refuses the load.
import { HearthError } from '../errors';
import { customDtypes, isRepoId } from './custom-model';
import { hubOrigins } from './net/hosts';
import { isCommitSha } from './net/hub-revision';
import { modelKey, type InstalledModel, type ModelSpec } from './types';

/** A stored model record that Hearth will not act on. */
export class InvalidModelRecordError extends HearthError {
  override name = 'InvalidModelRecordError';
}

/**
 * A hub URL with a clean path: no `..`, no encoded dots or slashes, no query. Checked on the text
 * as stored too: the URL parser would quietly resolve `a/../../b` away.
 */
function isHubUrl(text: string): boolean {
  if (typeof text !== 'string' || /\.\.|\\|%2e|%2f|^[a-z]+:\/\/[^/]*\/.*\/\//i.test(text))
    return false;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return false;
  }
  return (
    hubOrigins.includes(url.origin) &&
    !url.search &&
    !url.hash &&
    !/\/\.\.?(\/|$)|%2e|%2f|\/\//i.test(url.pathname)
  );
}

/** What is wrong with `spec`, or null when it may be loaded. */
export function specProblem(spec: ModelSpec): string | null {
  if (spec.revision !== undefined && !isCommitSha(spec.revision))
    return `its revision “${String(spec.revision)}” is not a commit`;
  if (spec.engine === 'transformers') {
    if (typeof spec.repo !== 'string' || !isRepoId(spec.repo))
      return `its repo id “${String(spec.repo)}” is not of the form owner/name`;
    if (!(customDtypes as readonly string[]).includes(spec.dtype))
      return `its weights type “${String(spec.dtype)}” is not one transformers.js knows`;
    if (spec.device !== 'wasm' && spec.device !== 'webgpu')
      return `its device “${String(spec.device)}” is not wasm or webgpu`;
    return null;
  }
  if (spec.engine === 'webllm') {
    if (typeof spec.modelId !== 'string' || !/^[\w.-]+$/.test(spec.modelId))
      return `its model id “${String(spec.modelId)}” is not a WebLLM id`;
    if (!isHubUrl(spec.modelUrl))
      return `its weights URL “${String(spec.modelUrl)}” is off the hub`;
    if (!isHubUrl(spec.modelLibUrl))
      return `its library URL “${String(spec.modelLibUrl)}” is off the model hosts`;
    return null;
  }
  return 'it names no engine Hearth has';
}

/** Why the stored record must not be acted on, fit to show; null when it is valid. */
export function recordProblem(model: InstalledModel): string | null {
  const problem =
    specProblem(model.spec) ??
    (model.key === modelKey(model.spec) ? null : 'its key does not match its spec');
  return problem
    ? `The stored record of “${model.name}” is not valid (${problem}). Hearth will not load it: delete it and download or import the model again.`
    : null;
}

/** Throws InvalidModelRecordError, naming the problem, when the record must not be loaded. */
export function checkStoredRecord(model: InstalledModel): void {
  const problem = recordProblem(model);
  if (problem) throw new InvalidModelRecordError(problem);
}
