// Pinning a download to one commit of its hub repo. The revision API
// (`/api/models/<repo>/revision/<ref>`) answers which commit a branch points at; files are then
// fetched from `/<repo>/resolve/<commit>/<file>`, which can never change under the same name. The
// hub also names the commit (`X-Repo-Commit`) and, for large files, their SHA-256
// (`X-Linked-Etag`) on every resolve answer: both are checked when present.
import { HearthError, ModelFileMissingError } from '../../errors';
import { ModelIntegrityError } from '../file-check';
import { HUB_ORIGIN } from './hosts';
import type { ModelSpec } from '../types';

/** The revision API could not say which commit to pin to. */
export class RevisionLookupError extends HearthError {
  override name = 'RevisionLookupError';
}

export function isCommitSha(text: unknown): text is string {
  return typeof text === 'string' && /^[0-9a-f]{40}$/.test(text);
}

/** The 7-digit form people see (as git shows it). */
export function shortSha(sha: string): string {
  return sha.slice(0, 7);
}

/** The repo's base URL: `https://huggingface.co/<owner>/<name>`. */
export function repoUrlOf(spec: ModelSpec): string {
  const url = spec.engine === 'webllm' ? spec.modelUrl : `${HUB_ORIGIN}/${spec.repo}`;
  return url.replace(/\/+$/, '');
}

/** `https://huggingface.co/api/models/<owner>/<name>/revision/<ref>` for a repo's base URL. */
export function revisionApiUrl(repoUrl: string, ref: string): string {
  const url = new URL(repoUrl);
  const repo = url.pathname.replace(/^\/+|\/+$/g, '');
  return `${url.origin}/api/models/${repo}/revision/${encodeURIComponent(ref)}`;
}

/** The commit in a revision API answer; throws when there is none. */
export function commitOf(body: unknown, repoUrl: string): string {
  const sha = (body as { sha?: unknown } | null)?.sha;
  if (!isCommitSha(sha))
    throw new RevisionLookupError(
      `${new URL(repoUrl).host} did not name a commit for ${new URL(repoUrl).pathname.slice(1)}, so the download cannot be pinned. Nothing was downloaded.`,
    );
  return sha;
}

/** Asks the revision API (through the guarded model fetch) which commit `ref` points at. */
export async function lookUpRevision(
  fetchFn: (url: string, init?: RequestInit) => Promise<Response>,
  repoUrl: string,
  ref: string,
  signal?: AbortSignal,
): Promise<string> {
  const url = new URL(repoUrl);
  let response: Response;
  try {
    response = await fetchFn(revisionApiUrl(repoUrl, ref), { signal: signal ?? null });
  } catch (error) {
    if (!(error instanceof ModelFileMissingError)) throw error;
    throw new RevisionLookupError(
      `Couldn't ask which commit “${ref}” of ${url.pathname.slice(1)} is, so the download cannot be pinned: ${error.message} Nothing was downloaded.`,
      { cause: error },
    );
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch (error) {
    throw new RevisionLookupError(
      `The answer from ${url.host} about the model's current revision was not JSON.`,
      { cause: error },
    );
  }
  return commitOf(body, repoUrl);
}

/** The SHA-256 the hub states for a large file (`X-Linked-Etag: "<64 hex>"`), if it states one. */
export function statedSha256(headers: Headers): string | null {
  const tag = headers.get('x-linked-etag')?.replace(/^W\//, '').replace(/"/g, '').trim();
  return tag && /^[0-9a-f]{64}$/i.test(tag) ? tag.toLowerCase() : null;
}

/**
 * Refuses an answer that says it comes from another commit than the pinned one (a mirror serving
 * a branch's newest files under a commit's name). Answers that name no commit pass.
 */
export function assertServedRevision(headers: Headers, revision: string, file: string): void {
  const served = headers.get('x-repo-commit');
  if (served && served !== revision)
    throw new ModelIntegrityError(
      `“${file}” came from revision ${shortSha(served)}, not the pinned ${shortSha(revision)}. Nothing was stored.`,
    );
}

/** Refuses bytes whose SHA-256 differs from what the server said it sent. */
export function assertStatedSha256(headers: Headers, sha256: string, file: string): void {
  const stated = statedSha256(headers);
  if (stated && stated !== sha256)
    throw new ModelIntegrityError(
      `“${file}” arrived damaged: its SHA-256 is not the one the server stated. Nothing was stored; retry the download.`,
    );
}
