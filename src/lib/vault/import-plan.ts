// Compares incoming files with the notes already in the vault, by exact path (trashed notes
// included) and content hash: what to add, what to update in place, what is already there, and
// what changed on both sides since the last import (never overwritten). Attachments are planned
// the same way, by path and hash.
import type { ExistingIndex, ExistingNote } from '../types';

export type { ExistingIndex, ExistingNote };

export interface IncomingFile {
  path: string;
  content: string;
  /** SHA-256 of the content as UTF-8, hex, like `Note.hash`. */
  hash: string;
}

export interface ImportPlan {
  adds: IncomingFile[];
  updates: { file: IncomingFile; existing: ExistingNote }[];
  unchanged: IncomingFile[];
  /** Changed both in Hearth and in the source since the last import: left alone, reported. */
  conflicts: IncomingFile[];
}

/** Incoming paths must already be unique (see `firstByPath`). */
export function planImport(incoming: readonly IncomingFile[], existing: ExistingIndex): ImportPlan {
  const plan: ImportPlan = { adds: [], updates: [], unchanged: [], conflicts: [] };
  for (const file of incoming) {
    const match = existing.get(file.path);
    if (!match) plan.adds.push(file);
    else if (match.hash === file.hash) plan.unchanged.push(file);
    // The file is as it was last imported: the difference is the user's edit in Hearth. Keep it.
    else if (match.importedHash === file.hash) plan.unchanged.push(file);
    // Only the file changed since the last import: take it.
    else if (match.importedHash === match.hash) plan.updates.push({ file, existing: match });
    // Edited in Hearth (or written there, never imported) and different in the source.
    else plan.conflicts.push(file);
  }
  return plan;
}

/** Splits items into the first one seen at each path and the later ones that repeat a path. */
export function firstByPath<T extends { path: string }>(
  items: readonly T[],
): { kept: T[]; repeats: T[] } {
  const seen = new Set<string>();
  const kept: T[] = [];
  const repeats: T[] = [];
  for (const item of items) {
    if (seen.has(item.path)) repeats.push(item);
    else {
      seen.add(item.path);
      kept.push(item);
    }
  }
  return { kept, repeats };
}

/** An attachment read from the source, hashed, with its bytes ready to store. */
export interface IncomingAttachment {
  path: string;
  /** SHA-256 of the bytes, hex. */
  hash: string;
  sizeBytes: number;
  mime: string;
  blob: Blob;
}

export type ExistingAttachmentIndex = ReadonlyMap<string, { id: string; hash: string }>;

export interface AttachmentPlan {
  adds: IncomingAttachment[];
  updates: { file: IncomingAttachment; existingId: string }[];
  unchanged: IncomingAttachment[];
}

/**
 * Attachments match by exact path, like notes. Hearth never edits an attachment, so a different
 * hash always means the source changed: it replaces the stored bytes in place (same id).
 */
export function planAttachments(
  incoming: readonly IncomingAttachment[],
  existing: ExistingAttachmentIndex,
): AttachmentPlan {
  const plan: AttachmentPlan = { adds: [], updates: [], unchanged: [] };
  for (const file of incoming) {
    const match = existing.get(file.path);
    if (!match) plan.adds.push(file);
    else if (match.hash === file.hash) plan.unchanged.push(file);
    else plan.updates.push({ file, existingId: match.id });
  }
  return plan;
}
