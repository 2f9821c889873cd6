// How a note is laid out in storage: metadata in `notes`, text in `bodies` under the same id.
import type { Note, NoteBody, NoteWithContent } from '../types';

export function splitRecord(note: NoteWithContent): { note: Note; body: NoteBody } {
  const { content, ...meta } = note;
  return { note: meta, body: { id: note.id, content } };
}
