// Which chunk of a keyword hit to open at: the one holding the most distinct query terms. Terms go
// through the keyword index's own tokenizer, so case, width (NFKC) and CJK bigrams match the way
// the keyword search matched the note.
import { normalize, tokenizeDocument } from './tokenizer';

/**
 * Index of the chunk that contains the most distinct `terms` (as `tokenizeQuery` gives them, or
 * plain words); the earliest chunk wins ties, so a note with no match opens at its top. A term
 * that only starts a word (the query's last word, still being typed) counts half.
 */
export function bestChunkForTerms(chunks: readonly { text: string }[], terms: string[]): number {
  const wanted = [...new Set(terms.map(normalize).filter((t) => t.trim() !== ''))];
  let best = 0;
  let bestScore = 0;
  chunks.forEach(({ text }, index) => {
    // A term can only be a word, or start one, where it is in the text: most chunks of a long
    // note hold none of the query's terms, and this check costs a fraction of tokenizing them.
    const folded = normalize(text);
    if (!wanted.some((term) => folded.includes(term))) return;
    const present = new Set(tokenizeDocument(text));
    const words = [...present];
    let score = 0;
    for (const term of wanted) {
      if (present.has(term)) score += 1;
      else if (words.some((word) => word.startsWith(term))) score += 0.5;
    }
    if (score > bestScore) [best, bestScore] = [index, score];
  });
  return best;
}
