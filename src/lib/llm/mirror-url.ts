// The mirror setting as typed by a person, checked and normalized to a base URL ending in '/'
// (model-fetch's mirrorUrl resolves hub paths against it).
import { HearthError } from '../errors';

export class InvalidMirrorError extends HearthError {
  override name = 'InvalidMirrorError';
}

/** Parses a mirror base URL; throws InvalidMirrorError with a message fit to show. */
export function parseMirror(text: string): string | null {
  const trimmed = text.trim();
  if (!trimmed) return null;
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    throw new InvalidMirrorError(
      `“${trimmed}” is not a web address. Write it like http://homebox.local:8080/hf/.`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new InvalidMirrorError('The mirror must be an http:// or https:// address.');
  if (url.username || url.password)
    throw new InvalidMirrorError('Leave user names and passwords out of the mirror address.');
  url.search = '';
  url.hash = '';
  return url.href.endsWith('/') ? url.href : `${url.href}/`;
}
