// Indexing one note, in steps: its body is tokenized a few thousand characters at a time, so a
// megabyte-sized note never holds the search worker for long. Postings are written under a
// document number reserved for the note, which searches skip until the last step makes it live
// (and retires the note's previous version) in one go.
import type { StoredKeywordDoc } from '../db/search-source';
import type { IndexableNote } from './keyword-index';
import { tokenizeDocument } from './tokenizer';
import { splitFrontmatter } from '../vault/frontmatter';

/** What the index keeps of a note: the fields results and filters show, and field lengths. */
export type DocRecord = StoredKeywordDoc;

/** Characters tokenized per step: about a millisecond of work. */
const pieceChars = 4_000;
/** How far back a piece's end may move to fall between words rather than inside a CJK run. */
const cutSlackChars = 400;
const breakChar = /[\s。，、；！？]/;

/** Where a job writes: `add` once per distinct term of a piece, true when new to the field. */
export interface PostingSink {
  add(term: string, field: number, frequency: number): boolean;
  commit(record: DocRecord): void;
}

/** Where the piece that starts at `from` ends: at a space or CJK punctuation when one is near. */
function pieceEnd(text: string, from: number): number {
  const end = from + pieceChars;
  if (end >= text.length) return text.length;
  for (let at = end; at > end - cutSlackChars; at--) if (breakChar.test(text[at]!)) return at + 1;
  // Never split a surrogate pair.
  const code = text.charCodeAt(end);
  return code >= 0xdc00 && code <= 0xdfff ? end - 1 : end;
}

export class IndexJob {
  #record: DocRecord;
  #body: string;
  #at = 0;
  #sink: PostingSink;
  #done = false;

  constructor(note: IndexableNote, sink: PostingSink) {
    const { id, title, path, kind, date, tags } = note;
    this.#record = { id, title, path, kind, date, tags, lengths: [0, 0, 0, 0] };
    this.#body = splitFrontmatter(note.content).body;
    this.#sink = sink;
    [title, tags.join(' '), path].forEach((text, field) => this.#count(text, field));
  }

  /**
   * Counts a piece's terms in a small Map first: the index's dictionary holds hundreds of
   * thousands of terms, and each lookup there is a cache miss or two. Field lengths are distinct
   * terms, as in MiniSearch's BM25.
   */
  #count(text: string, field: number): void {
    const counts = new Map<string, number>();
    for (const term of tokenizeDocument(text)) counts.set(term, (counts.get(term) ?? 0) + 1);
    for (const [term, frequency] of counts) {
      if (this.#sink.add(term, field, frequency)) this.#record.lengths[field]!++;
    }
  }

  /** The note's text without frontmatter: what snippets are cut from. */
  get body(): string {
    return this.#body;
  }

  /** Works until `deadlineMs` (performance.now() time); true once the note is in the index. */
  step(deadlineMs: number): boolean {
    if (this.#done) return true;
    while (this.#at < this.#body.length) {
      const end = pieceEnd(this.#body, this.#at);
      this.#count(this.#body.slice(this.#at, end), 3);
      this.#at = end;
      if (this.#at < this.#body.length && performance.now() >= deadlineMs) return false;
    }
    this.#sink.commit(this.#record);
    this.#done = true;
    return true;
  }
}
