// The parts of a keyword snapshot that a restore reads before it can search, in the form that
// IndexedDB hands back fastest: a few strings and byte arrays instead of one object per note and
// three arrays of 32-bit numbers per term. Measured in the page at 10k notes: the note records
// took 175 ms to clone as objects and 65 ms as columns; the term arrays (790k numbers each) were
// most of the rest. What can be found again from another field is not stored at all: where each
// term starts is found by scanning the terms for their newlines (term-pages.ts).
import type { NoteKind } from '../types';
import type { StoredKeywordDoc, StoredKeywordDocs } from '../db/search-source';
import { fieldCount } from './term-table';
import { SnapshotFormatError } from './snapshot-error';
import { putVarint, VarintReader } from './varint';

/** Appends numbers as `putVarint` writes them, growing as it goes. */
class VarintWriter {
  #bytes = new Uint8Array(1_024);
  #at = 0;

  put(value: number): void {
    if (this.#at + 5 > this.#bytes.length) {
      const grown = new Uint8Array(this.#bytes.length * 2);
      grown.set(this.#bytes);
      this.#bytes = grown;
    }
    this.#at = putVarint(this.#bytes, this.#at, value);
  }

  done(): Uint8Array {
    return this.#bytes.slice(0, this.#at);
  }
}

/** A non-decreasing array (starting at 0) as the steps between its values: a byte each, mostly. */
export function packSteps(values: Uint32Array): Uint8Array {
  const out = new VarintWriter();
  for (let i = 1; i < values.length; i++) out.put(values[i]! - values[i - 1]!);
  return out.done();
}

export function packDocs(docs: readonly StoredKeywordDoc[]): StoredKeywordDocs {
  const lengths = new VarintWriter();
  const fieldLengths = new Uint32Array(docs.length * fieldCount);
  const text: string[] = [];
  docs.forEach((doc, i) => {
    for (const field of [doc.id, doc.title, doc.path, doc.kind, doc.date]) {
      text.push(field);
      lengths.put(field.length);
    }
    lengths.put(doc.tags.length);
    for (const tag of doc.tags) {
      text.push(tag);
      lengths.put(tag.length);
    }
    fieldLengths.set(doc.lengths, i * fieldCount);
  });
  return { count: docs.length, text: text.join(''), lengths: lengths.done(), fieldLengths };
}

export function unpackDocs(columns: StoredKeywordDocs): StoredKeywordDoc[] {
  const { count, text, fieldLengths } = columns;
  if (fieldLengths.length !== count * fieldCount)
    throw new SnapshotFormatError('The keyword index snapshot is inconsistent.');
  const reader = new VarintReader(columns.lengths);
  let at = 0;
  const next = () => {
    const end = at + reader.next();
    if (end > text.length)
      throw new SnapshotFormatError('The keyword index snapshot is cut short.');
    const value = text.slice(at, end);
    at = end;
    return value;
  };
  const docs = new Array<StoredKeywordDoc>(count);
  for (let i = 0; i < count; i++) {
    const id = next();
    const title = next();
    const path = next();
    const kind = next() as NoteKind;
    const date = next();
    const tags = new Array<string>(reader.next());
    for (let t = 0; t < tags.length; t++) tags[t] = next();
    const lengths = Array.from(fieldLengths.subarray(i * fieldCount, (i + 1) * fieldCount));
    docs[i] = { id, title, path, kind, date, tags, lengths };
  }
  if (at !== text.length || !reader.atEnd)
    throw new SnapshotFormatError('The keyword index snapshot is inconsistent.');
  return docs;
}
