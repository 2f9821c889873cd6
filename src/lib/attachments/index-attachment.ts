// Embeds an attachment's pieces with the notes' embedding model (in the memory worker, through
// `embed`), for per-question retrieval by meaning. Without a model nothing is embedded and
// retrieval matches words. The vectors live on the attachment's own pieces, never in the notes'
// index, and go with the attachment.
import type { EmbedFn } from '../assistant/memory-embeddings';
import { docsAndChunksOf, saveChunkVectors } from '../db/chat-attachments-repo';
import type { ChatAttachmentChunkRecord, ChatAttachmentDocRecord } from '../db/db';
import { quantizeInt8 } from '../search/quantize';

const batchSize = 16;

/** What gets embedded: where the piece is (file, heading, page), then its text. */
export function embedText(doc: ChatAttachmentDocRecord, chunk: ChatAttachmentChunkRecord): string {
  const where = [doc.path, ...chunk.headingPath, ...(chunk.page ? [`page ${chunk.page}`] : [])];
  return `${where.join(' > ')}\n\n${doc.text.slice(chunk.start, chunk.end)}`;
}

export interface IndexOutcome {
  /** The model that embedded, or null when none serves. */
  modelId: string | null;
  embedded: number;
}

/**
 * Embeds every piece of the attachment that has no vector by the serving model. Stops quietly
 * when the attachment is removed meanwhile or the serving model changes (the next run redoes it).
 */
export async function indexAttachment(
  attachmentId: string,
  embed: EmbedFn,
  onProgress?: (done: number, total: number) => void,
  signal?: AbortSignal,
): Promise<IndexOutcome> {
  const probe = await embed([], 'passage');
  if (!probe) return { modelId: null, embedded: 0 };
  const { modelId, dimensions } = probe;
  const { docs, chunks } = await docsAndChunksOf(attachmentId);
  const docById = new Map(docs.map((doc) => [doc.id, doc]));
  const todo = chunks.filter((c) => c.vector?.modelId !== modelId && docById.has(c.docId));
  let embedded = 0;
  onProgress?.(0, todo.length);
  if (todo.length === 0) await saveChunkVectors(attachmentId, modelId, [], true);
  for (let i = 0; i < todo.length; i += batchSize) {
    signal?.throwIfAborted();
    const batch = todo.slice(i, i + batchSize);
    const made = await embed(
      batch.map((chunk) => embedText(docById.get(chunk.docId)!, chunk)),
      'passage',
    );
    if (!made || made.modelId !== modelId) break;
    const { q, scales } = quantizeInt8(made.vectors, dimensions);
    const vectors = batch.map((chunk, j) => ({
      id: chunk.id,
      q: q.slice(j * dimensions, (j + 1) * dimensions),
      scale: scales[j]!,
    }));
    const last = i + batchSize >= todo.length;
    if (!(await saveChunkVectors(attachmentId, modelId, vectors, last))) break;
    embedded += batch.length;
    onProgress?.(embedded, todo.length);
  }
  return { modelId, embedded };
}
