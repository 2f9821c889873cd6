// Which note each vector label belongs to, both ways: a filtered semantic search turns the notes
// that pass its filters into the labels the index may rank. Kept by the vector store alongside
// its index (every add and remove goes through both), so it always names exactly its vectors.
import type { SavedLabelNotes } from '../db/index-blocks-repo';

/** The note id inside a chunk id (`<modelId>|<noteId>|<hash>[~n]`, chunk-plan.ts). */
export function noteOfChunk(modelId: string, chunkId: string): string {
  const start = modelId.length + 1;
  const end = chunkId.indexOf('|', start);
  return chunkId.slice(start, end < 0 ? undefined : end);
}

export class LabelNotes {
  #noteOf = new Map<number, string>();
  #labelsOf = new Map<string, Set<number>>();

  get size(): number {
    return this.#noteOf.size;
  }

  set(label: number, noteId: string): void {
    if (this.#noteOf.get(label) === noteId) return;
    this.delete(label);
    this.#noteOf.set(label, noteId);
    let labels = this.#labelsOf.get(noteId);
    if (!labels) this.#labelsOf.set(noteId, (labels = new Set()));
    labels.add(label);
  }

  delete(label: number): void {
    const noteId = this.#noteOf.get(label);
    if (noteId === undefined) return;
    this.#noteOf.delete(label);
    const labels = this.#labelsOf.get(noteId)!;
    labels.delete(label);
    if (labels.size === 0) this.#labelsOf.delete(noteId);
  }

  clear(): void {
    this.#noteOf.clear();
    this.#labelsOf.clear();
  }

  noteOf(label: number): string | undefined {
    return this.#noteOf.get(label);
  }

  /** Every label of the given notes. */
  labelsOf(noteIds: Iterable<string>): number[] {
    const out: number[] = [];
    for (const noteId of noteIds)
      for (const label of this.#labelsOf.get(noteId) ?? []) out.push(label);
    return out;
  }

  /** A compact copy for the snapshot: one string per note, two numbers per label. */
  toSaved(): SavedLabelNotes {
    const notes = [...this.#labelsOf.keys()];
    const index = new Map(notes.map((id, i) => [id, i]));
    const labels = new Uint32Array(this.#noteOf.size);
    const noteOf = new Uint32Array(this.#noteOf.size);
    let i = 0;
    for (const [label, noteId] of this.#noteOf) {
      labels[i] = label;
      noteOf[i++] = index.get(noteId)!;
    }
    return { labels, noteOf, notes };
  }

  /** Replaces the contents with a saved copy. */
  load(saved: SavedLabelNotes): void {
    this.clear();
    saved.labels.forEach((label, i) => this.set(label, saved.notes[saved.noteOf[i]!]!));
  }
}
