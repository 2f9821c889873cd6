// Builds the stored form of a note from its path and text: one function for the editor and the importer.
import type { Note, NoteWithContent } from '../types';
import { deriveMeta } from './derive';
import { localDateKey } from './dates';
import { sha256Hex } from './hash';

const encoder = new TextEncoder();

export async function buildNote(
  path: string,
  content: string,
  now: number,
  existing?: Pick<Note, 'id' | 'createdAt' | 'deletedAt'>,
): Promise<NoteWithContent> {
  const createdAt = existing?.createdAt ?? now;
  const meta = deriveMeta(path, content, localDateKey(new Date(createdAt)));
  return {
    id: existing?.id ?? crypto.randomUUID(),
    path,
    ...meta,
    sizeBytes: encoder.encode(content).byteLength,
    hash: await sha256Hex(content),
    content,
    createdAt,
    updatedAt: now,
    deletedAt: existing?.deletedAt ?? 0,
  };
}

export function splitRecord(note: NoteWithContent): {
  note: Note;
  body: { id: string; content: string };
} {
  const { content, ...meta } = note;
  return { note: meta, body: { id: note.id, content } };
}
