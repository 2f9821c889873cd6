// Answers a search while the keyword index is still being restored, so a query typed at start
// never waits on the restore: every query term must occur in a note's title, tags or path. The
// answer says it is partial (`restoring`), and the view asks again once the index is ready.
// Note texts are not read: the scan must stay cheap beside the restore it runs next to.
import type { Note, SearchFilters } from '../types';
import { readLiveNoteHeads } from '../db/search-source';
import { normalize, tokenizeQuery } from './tokenizer';
import { matchesNoteFilters } from './note-filters';
import type { KeywordMatch, KeywordResults } from './keyword-index';

type NoteHead = Pick<Note, 'id' | 'title' | 'path' | 'kind' | 'date' | 'tags'>;

/** Title, tags, path: the keyword index's boosts for the same fields. */
const fieldBoosts = [3, 2, 1.5];

export class RestoreScan {
  #notes: Promise<{ head: NoteHead; fields: string[] }[]> | undefined;

  /** Notes the scan looks at (all live notes, once read). */
  async noteCount(): Promise<number> {
    return (await this.#read()).length;
  }

  async find(query: string, filters: SearchFilters, limit: number): Promise<KeywordResults> {
    const terms = [...new Set(tokenizeQuery(query))];
    if (terms.length === 0) return { matches: [], total: 0 };
    const found: KeywordMatch[] = [];
    for (const { head, fields } of await this.#read()) {
      let score = 0;
      for (const term of terms) {
        const weight = fields.reduce(
          (sum, f, i) => (f.includes(term) ? sum + fieldBoosts[i]! : sum),
          0,
        );
        if (weight === 0) {
          score = 0;
          break;
        }
        score += weight;
      }
      if (score > 0 && matchesNoteFilters(head, filters)) found.push({ ...head, score, terms });
    }
    found.sort((a, b) => b.score - a.score || (a.path < b.path ? -1 : 1));
    return { matches: found.slice(0, limit), total: found.length };
  }

  #read() {
    this.#notes ??= readLiveNoteHeads().then((heads) =>
      heads.map((head) => ({
        head,
        fields: [head.title, head.tags.join(' '), head.path].map(normalize),
      })),
    );
    return this.#notes;
  }
}
