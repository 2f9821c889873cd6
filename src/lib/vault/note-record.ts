// Builds the stored form of a note from its path and text: one function for the editor and the importer.
import type { Note, NoteWithContent } from '../types';
import { deriveMeta } from './derive';
import { localDateKey } from './dates';
import { sha256Hex } from './hash';

const encoder = new TextEncoder();

export interface BuildOptions {
  /** The content's hash when the caller has it already (imports hash every file once). */
  hash?: string;
  /** Set for a note whose text comes straight from an imported file. */
  imported?: boolean;
}

export async function buildNote(
  path: string,
  content: string,
  now: number,
  existing?: Pick<Note, 'id' | 'createdAt' | 'deletedAt' | 'importedHash'>,
  options: BuildOptions = {},
): Promise<NoteWithContent> {
  const hash = options.hash ?? (await sha256Hex(content));
  const createdAt = existing?.createdAt ?? now;
  const meta = deriveMeta(path, content, localDateKey(new Date(createdAt)));
  return {
    id: existing?.id ?? crypto.randomUUID(),
    path,
    ...meta,
    sizeBytes: encoder.encode(content).byteLength,
    hash,
    importedHash: options.imported ? hash : existing?.importedHash,
    content,
    createdAt,
    updatedAt: now,
    deletedAt: existing?.deletedAt ?? 0,
  };
}
