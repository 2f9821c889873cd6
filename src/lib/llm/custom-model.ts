// A transformers.js ONNX model the user names by its hub repo id, offered next to the catalog.
import { HearthError } from '../errors';
import { HUB_ORIGIN } from './net/hosts';
import { modelKey, type CatalogEntry, type TransformersSpec } from './types';

/** The dtypes transformers.js 4 accepts for ONNX weights (file suffixes under `onnx/`). */
export const customDtypes = ['q4', 'q8', 'int8', 'uint8', 'fp16', 'q4f16', 'bnb4', 'fp32'] as const;

export class InvalidRepoError extends HearthError {
  override name = 'InvalidRepoError';
}

export interface CustomModelRef {
  repo: string;
  dtype: string;
}

/** True for a clean `owner/name`: word characters, dots and dashes, never `..`. */
export function isRepoId(text: string): boolean {
  return /^[\w.-]+\/[\w.-]+$/.test(text) && !text.includes('..');
}

/**
 * Checks a custom model as read back from storage (settings or a backup), where nothing vouches
 * for it: the repo must be a clean `owner/name` and the dtype one transformers.js knows.
 */
export function checkCustomRef(ref: unknown): CustomModelRef {
  const { repo, dtype } = (ref ?? {}) as Partial<Record<keyof CustomModelRef, unknown>>;
  if (typeof repo !== 'string' || !isRepoId(repo))
    throw new InvalidRepoError(`The stored custom model “${String(repo)}” is not a repo id.`);
  if (typeof dtype !== 'string' || !(customDtypes as readonly string[]).includes(dtype))
    throw new InvalidRepoError(
      `The stored custom model ${repo} names an unknown weights type “${String(dtype)}”.`,
    );
  return { repo, dtype };
}

/** Accepts `owner/name`, or a hub URL to it; returns the clean `owner/name`. */
export function parseRepoId(text: string): string {
  const trimmed = text
    .trim()
    .replace(/^https?:\/\/(www\.)?huggingface\.co\//, '')
    .replace(/\/(tree|resolve|blob)\/.*$/, '')
    .replace(/\/+$/, '');
  if (!isRepoId(trimmed))
    throw new InvalidRepoError(
      `“${text.trim()}” is not a model repo id. Write it as owner/name, for example onnx-community/Qwen2.5-0.5B-Instruct.`,
    );
  return trimmed;
}

export function customEntry({ repo, dtype }: CustomModelRef): CatalogEntry {
  const spec: TransformersSpec = {
    engine: 'transformers',
    repo,
    dtype,
    device: 'wasm',
    contextWindow: null,
  };
  return {
    key: modelKey(spec),
    name: `${repo.split('/')[1] ?? repo} (${dtype}, custom)`,
    spec,
    downloadBytes: null,
    downloadBytesExact: false,
    vramMB: null,
    contextWindow: null,
    requiresF16: false,
    f32Alternative: null,
    hosts: [new URL(HUB_ORIGIN).host],
    strengths: ['chat'],
  };
}
