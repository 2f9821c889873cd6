// Which long-term memories a question recalls. Memories are few (hundreds), so every one is
// scored: by cosine similarity to the question when an embedding model made vectors for them,
// with a small bonus for shared words, and by shared words alone when there is no model.
import type { MemorySource } from '../db/db';
import { tokenizeDocument } from '../search/tokenizer';

export interface RecallCandidate {
  id: string;
  text: string;
  source: MemorySource;
}

export interface RecalledMemory extends RecallCandidate {
  /** Cosine similarity (plus the word bonus) with vectors; the share of the question's words without. */
  score: number;
}

/** How much shared words add to a cosine score: enough to break near-ties, not to outrank meaning. */
export const keywordBonus = 0.25;

// Words that carry no topic in questions and in memories written as "The user …".
const stopWords = new Set(
  (
    'a an the i me my mine myself you your is are was were be been am to of in on at for and or but ' +
    'do does did what which who whom when where how why that this these those it its with about as by ' +
    'from have has had not no can could would should will shall so if then than there their they them ' +
    'he she his her we our us user users tell told know any some all'
  ).split(' '),
);

const terms = (text: string) =>
  new Set(tokenizeDocument(text).filter((t) => !stopWords.has(t) && t.length > 1));

/** Same word, or one a prefix of the other when the shorter has at least 4 characters. */
function matches(term: string, words: Set<string>): boolean {
  if (words.has(term)) return true;
  for (const word of words) {
    const [short, long] = term.length <= word.length ? [term, word] : [word, term];
    if (short.length >= 4 && long.startsWith(short)) return true;
  }
  return false;
}

/**
 * For each text, the share (0..1) of the question's topic words it contains, each word weighted
 * by how rare it is among the texts (BM25's idf), so a word every memory has counts for little.
 */
export function keywordScores(question: string, texts: readonly string[]): number[] {
  const asked = [...terms(question)];
  if (asked.length === 0) return texts.map(() => 0);
  const words = texts.map(terms);
  const idf = asked.map((term) => {
    const df = words.filter((w) => matches(term, w)).length;
    return Math.log(1 + (texts.length - df + 0.5) / (df + 0.5));
  });
  const total = idf.reduce((a, b) => a + b, 0);
  return words.map(
    (w) => asked.reduce((sum, term, i) => sum + (matches(term, w) ? idf[i]! : 0), 0) / total,
  );
}

export function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

export interface Semantic {
  query: Float32Array;
  /** Vectors by memory id; a memory without one is scored by its words only. */
  vectors: ReadonlyMap<string, Float32Array>;
}

/**
 * The `k` memories `question` recalls best, best first (ties keep the given order). Without
 * `semantic`, only memories sharing a topic word with the question are recalled.
 */
export function rankMemories(
  question: string,
  memories: readonly RecallCandidate[],
  k: number,
  semantic: Semantic | null,
): RecalledMemory[] {
  const keyword = keywordScores(
    question,
    memories.map((m) => m.text),
  );
  const scored = memories.map((memory, i) => {
    const vector = semantic?.vectors.get(memory.id);
    // A memory not embedded yet competes on its words, on the same scale as the bonus.
    const score = vector
      ? cosine(semantic!.query, vector) + keywordBonus * keyword[i]!
      : (semantic ? keywordBonus : 1) * keyword[i]!;
    return { memory, score, usable: vector !== undefined || keyword[i]! > 0 };
  });
  return scored
    .filter((s) => s.usable)
    .sort((a, b) => b.score - a.score)
    .slice(0, Math.max(0, k))
    .map(({ memory, score }) => ({
      id: memory.id,
      text: memory.text,
      source: memory.source,
      score,
    }));
}
