// The keyword index: MiniSearch over title, tags, path and body with Hearth's tokenizer. Only the
// small fields results and filters need are stored; bodies stay in IndexedDB.
import MiniSearch, { type AsPlainObject, type Options, type SearchResult } from 'minisearch';
import type { Note, NoteKind, SearchFilters } from '../types';
import { isCjk, tokenizeDocument, tokenizeQuery } from './tokenizer';
import { splitFrontmatter } from '../vault/frontmatter';
import { matchesNoteFilters } from './note-filters';

interface IndexedDoc {
  id: string;
  title: string;
  tagText: string;
  path: string;
  body: string;
  kind: NoteKind;
  date: string;
  tags: string[];
}

export type IndexableNote = Pick<Note, 'id' | 'title' | 'tags' | 'path' | 'kind' | 'date'> & {
  content: string;
};

export interface KeywordMatch {
  id: string;
  score: number;
  title: string;
  path: string;
  kind: NoteKind;
  date: string;
  tags: string[];
  /** Indexed terms that matched (after prefix and fuzzy expansion), for highlighting. */
  terms: string[];
}

/** Fuzzy matching only for longer Latin terms: short words and CJK bigrams would match noise. */
const minFuzzyLength = 5;

const options: Options<IndexedDoc> = {
  fields: ['title', 'tagText', 'path', 'body'],
  storeFields: ['title', 'path', 'kind', 'date', 'tags'],
  tokenize: (text) => tokenizeDocument(text),
  processTerm: (term) => term,
  searchOptions: {
    tokenize: (text) => tokenizeQuery(text),
    processTerm: (term) => term,
    boost: { title: 3, tagText: 2, path: 1.5 },
    combineWith: 'AND',
    prefix: (_term, i, terms) => i === terms.length - 1,
    fuzzy: (term) => (term.length >= minFuzzyLength && !isCjk(term) ? 1 : false),
  },
};

function toDoc(note: IndexableNote): IndexedDoc {
  return {
    id: note.id,
    title: note.title,
    tagText: note.tags.join(' '),
    path: note.path,
    body: splitFrontmatter(note.content).body,
    kind: note.kind,
    date: note.date,
    tags: note.tags,
  };
}

function matchesFilters(result: SearchResult, filters: SearchFilters): boolean {
  return matchesNoteFilters(
    {
      kind: result['kind'] as Note['kind'],
      tags: result['tags'] as string[],
      date: result['date'] as string,
    },
    filters,
  );
}

export class KeywordIndex {
  #search: MiniSearch<IndexedDoc>;
  /** MiniSearch keeps its ids private; reconciling with the vault needs them. */
  #ids: Set<string>;

  private constructor(search: MiniSearch<IndexedDoc>, ids: Iterable<string> = []) {
    this.#search = search;
    this.#ids = new Set(ids);
  }

  static create(): KeywordIndex {
    return new KeywordIndex(new MiniSearch(options));
  }

  /** Restores an index written by `serialize`; the JSON must come from the same options. */
  static async restore(json: string): Promise<KeywordIndex> {
    const plain = JSON.parse(json) as AsPlainObject;
    const ids = Object.values(plain.documentIds) as string[];
    return new KeywordIndex(await MiniSearch.loadJSAsync<IndexedDoc>(plain, options), ids);
  }

  serialize(): string {
    return JSON.stringify(this.#search);
  }

  get documentCount(): number {
    return this.#search.documentCount;
  }

  ids(): string[] {
    return [...this.#ids];
  }

  /** Adds or replaces notes. */
  upsert(notes: IndexableNote[]): void {
    const fresh: IndexedDoc[] = [];
    const latest = new Map(notes.map((note) => [note.id, note]));
    for (const note of latest.values()) {
      if (this.#search.has(note.id)) this.#search.replace(toDoc(note));
      else fresh.push(toDoc(note));
      this.#ids.add(note.id);
    }
    this.#search.addAll(fresh);
  }

  remove(ids: string[]): void {
    const present = ids.filter((id) => this.#ids.delete(id));
    if (present.length > 0) this.#search.discardAll(present);
  }

  clear(): void {
    this.#search.removeAll();
    this.#ids.clear();
  }

  search(query: string, filters: SearchFilters = {}): KeywordMatch[] {
    if (tokenizeQuery(query).length === 0) return [];
    const results = this.#search.search(query, {
      filter: (result) => matchesFilters(result, filters),
    });
    return results.map((r) => ({
      id: r.id as string,
      score: r.score,
      title: r['title'] as string,
      path: r['path'] as string,
      kind: r['kind'] as NoteKind,
      date: r['date'] as string,
      tags: r['tags'] as string[],
      terms: r.terms,
    }));
  }
}
