// Which attachment text goes into a prompt, within a token budget. Attachments that fit go in
// whole, smallest first, so one large file cannot crowd out several small ones. The rest are
// searched per question: their pieces are ranked by cosine similarity to the question with a
// bonus for shared words when the pieces have embeddings by the serving model, by shared words
// alone otherwise, then packed best first. A passage is always a whole file or a whole piece:
// one that does not fit is left out, never cut, and the total never passes the budget.
import { cosine, keywordBonus, keywordScores } from '../assistant/memory-recall';
import type { TokenCounter } from '../assistant/token-count';
import type {
  ChatAttachmentChunkRecord,
  ChatAttachmentDocRecord,
  ChatAttachmentRecord,
} from '../db/db';
import { dequantizeInt8 } from '../search/quantize';
import { embedText } from './index-attachment';

export interface AttachmentPassage {
  attachmentId: string;
  /** The attachment's name: the file, folder or zip the user attached. */
  name: string;
  /** The file inside it (for a loose file, its name). */
  path: string;
  /** Character range in that file's text, end exclusive. */
  start: number;
  end: number;
  /** PDF pages the passage covers; null for other files. */
  pages: { from: number; to: number } | null;
  text: string;
  /** True when this is the whole file, false for a piece retrieved for the question. */
  whole: boolean;
  /** The text's tokens by the counter given (the per-passage overhead not included). */
  tokens: number;
  /** Relevance of a retrieved piece (higher is better); null for whole files. */
  score: number | null;
}

export interface AttachmentSet {
  attachment: ChatAttachmentRecord;
  docs: ChatAttachmentDocRecord[];
  chunks: ChatAttachmentChunkRecord[];
}

export interface QueryVector {
  modelId: string;
  vector: Float32Array;
}

/** Tokens a passage costs in the prompt beyond its text (its numbered header), by its file. */
export type PassageOverhead = number | ((name: string, path: string) => number);

export interface SelectOptions {
  /** Tokens each passage costs in the prompt beyond its text (its numbered header). */
  passageOverheadTokens?: PassageOverhead;
  /** The question's embedding, asked for only when some attachment must be searched. */
  queryVector?: () => Promise<QueryVector | null>;
}

/**
 * Past this many characters per token of budget, a file is not counted at all: no tokenizer packs
 * that much text into a token, so counting megabytes of it would only confirm it does not fit.
 */
const maxCharsPerToken = 64;

const pagesOf = (doc: ChatAttachmentDocRecord, start: number, end: number) => {
  const covered = (doc.pages ?? []).filter((p) => p.end > start && p.start < end);
  return covered.length ? { from: covered[0]!.number, to: covered.at(-1)!.number } : null;
};

function wholeCost(
  set: AttachmentSet,
  budget: number,
  cost: (text: string, name: string, path: string) => number,
): number {
  const chars = set.docs.reduce((sum, doc) => sum + doc.text.length, 0);
  if (chars > budget * maxCharsPerToken) return Infinity;
  return set.docs.reduce((sum, doc) => sum + cost(doc.text, set.attachment.name, doc.path), 0);
}

export async function selectPassages(
  sets: readonly AttachmentSet[],
  question: string,
  budgetTokens: number,
  counter: TokenCounter,
  options: SelectOptions = {},
): Promise<AttachmentPassage[]> {
  const given = options.passageOverheadTokens ?? 0;
  const overheadOf = (name: string, path: string): number =>
    typeof given === 'number' ? given : given(name, path);
  const cost = (text: string, name: string, path: string): number =>
    counter.count(text) + overheadOf(name, path);
  let left = Math.floor(budgetTokens);
  if (!(left > 0)) return [];

  const bySize = sets
    .map((set, order) => ({ set, order, cost: wholeCost(set, left, cost) }))
    .sort((a, b) => a.cost - b.cost || b.order - a.order);
  const whole = new Set<AttachmentSet>();
  for (const { set, cost: c } of bySize) {
    if (c > left) break;
    whole.add(set);
    left -= c;
  }
  const out: AttachmentPassage[] = sets
    .filter((set) => whole.has(set))
    .flatMap(({ attachment, docs }) =>
      docs.map((doc) => ({
        attachmentId: attachment.id,
        name: attachment.name,
        path: doc.path,
        start: 0,
        end: doc.text.length,
        pages: pagesOf(doc, 0, doc.text.length),
        text: doc.text,
        whole: true,
        tokens: counter.count(doc.text),
        score: null,
      })),
    );

  const searched = sets.filter((set) => !whole.has(set));
  // The cheapest header any piece could have: below it, nothing more fits.
  const least = Math.min(
    ...searched.flatMap((set) => set.docs.map((doc) => overheadOf(set.attachment.name, doc.path))),
  );
  if (searched.length === 0 || left <= least) return out;
  for (const piece of await rankPieces(searched, question, options.queryVector)) {
    const text = piece.doc.text.slice(piece.chunk.start, piece.chunk.end);
    const tokens = counter.count(text);
    const overhead = overheadOf(piece.set.attachment.name, piece.doc.path);
    if (tokens + overhead > left) continue;
    left -= tokens + overhead;
    out.push({
      attachmentId: piece.set.attachment.id,
      name: piece.set.attachment.name,
      path: piece.doc.path,
      start: piece.chunk.start,
      end: piece.chunk.end,
      pages: piece.chunk.page ? { from: piece.chunk.page, to: piece.chunk.page } : null,
      text,
      whole: false,
      tokens,
      score: piece.score,
    });
    if (left <= least) break;
  }
  return out;
}

interface Piece {
  set: AttachmentSet;
  doc: ChatAttachmentDocRecord;
  chunk: ChatAttachmentChunkRecord;
  score: number;
}

/**
 * Pieces that share a word with the question or have an embedding, best first; when none does
 * ("summarize this"), every piece in file order, so the beginning of each file is what goes in.
 */
async function rankPieces(
  sets: readonly AttachmentSet[],
  question: string,
  queryVector: SelectOptions['queryVector'],
): Promise<Piece[]> {
  const pieces: Piece[] = [];
  for (const set of sets) {
    const docs = new Map(set.docs.map((doc) => [doc.id, doc]));
    const chunks = [...set.chunks].sort((a, b) =>
      a.docId === b.docId ? a.seq - b.seq : a.docId < b.docId ? -1 : 1,
    );
    for (const chunk of chunks) {
      const doc = docs.get(chunk.docId);
      if (doc) pieces.push({ set, doc, chunk, score: 0 });
    }
  }
  const keyword = keywordScores(
    question,
    pieces.map((p) => embedText(p.doc, p.chunk)),
  );
  const hasVectors = pieces.some((p) => p.chunk.vector);
  const query = hasVectors && queryVector ? await queryVector() : null;
  const usable: boolean[] = [];
  pieces.forEach((piece, i) => {
    const v = piece.chunk.vector;
    const semantic = query && v?.modelId === query.modelId && v.q.length === query.vector.length;
    piece.score = semantic
      ? cosine(query.vector, dequantizeInt8(v.q, Float32Array.of(v.scale), v.q.length)) +
        keywordBonus * keyword[i]!
      : (query ? keywordBonus : 1) * keyword[i]!;
    usable.push(Boolean(semantic) || keyword[i]! > 0);
  });
  const ranked = pieces.filter((_, i) => usable[i]);
  if (ranked.length === 0) return pieces;
  // Array.prototype.sort is stable: equal scores keep file order.
  return ranked.sort((a, b) => b.score - a.score);
}
