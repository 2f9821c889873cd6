// Reads one attachment for an import: its bytes are hashed (so a re-import can tell whether it
// changed) and then let go; what is stored is a Blob, which for a picked file shares the file's
// data instead of copying it, and for a zip entry is handed to the browser's blob storage.
import type { Candidate } from './import-sources';
import type { IncomingAttachment } from './import-plan';
import { mimeForPath } from './mime';

export async function sha256HexOfBytes(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

export async function readAttachment(candidate: Candidate): Promise<IncomingAttachment> {
  const bytes = await candidate.read();
  const mime = mimeForPath(candidate.path, candidate.type);
  const hash = await sha256HexOfBytes(bytes);
  const blob =
    candidate.blob?.(mime) ?? new Blob([bytes as Uint8Array<ArrayBuffer>], { type: mime });
  return { path: candidate.path, hash, sizeBytes: bytes.length, mime, blob };
}
