// The memory worker's handler map: semantic search, related notes, the chunk a keyword hit should
// jump to, embedding for long-term memories (kept out of the notes' index), and the indexing
// controls (model, pause, wipe and rebuild).
import type { InstalledModel, TransformersSpec } from '../llm/types';
import type { EmbedInput, TextEmbedder } from './embedding-types';
import type { HandlerContext } from '../rpc/protocol';
import type {
  ChunkHit,
  EmbedResponse,
  MemoryEvents,
  MemoryStatus,
  RelatedArgs,
  SemanticArgs,
  SemanticResponse,
} from './memory-types';
import { MemoryService } from './memory-service';
import { chunkHit, hitsFor, noteVector, semanticSearch } from './semantic-search';
import { bestChunkForTerms } from './chunk-pick';
import { tokenizeQuery } from './tokenizer';
import * as repo from '../db/memory-repo';
import { readNotesForIndex } from '../db/search-source';
import { observeInstalledModels } from '../db/models-repo';
import { paragraphRange } from './paragraph-range';

export type MemoryHandlers = ReturnType<typeof createMemoryHandlers>;

const eventIntervalMs = 250;

/** Calls `send` at most every eventIntervalMs, always with the latest value (the last one too). */
function throttled<T>(send: (value: T) => void): (value: T) => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let latest: T;
  let lastSentMs = -Infinity;
  const flush = () => {
    timer = undefined;
    lastSentMs = performance.now();
    send(latest);
  };
  return (value) => {
    latest = value;
    if (timer !== undefined) return;
    const waitMs = lastSentMs + eventIntervalMs - performance.now();
    if (waitMs <= 0) flush();
    else timer = setTimeout(flush, waitMs);
  };
}

export interface MemoryHandlerDeps {
  loadEmbedder(spec: TransformersSpec): Promise<TextEmbedder>;
  filesPresent(model: InstalledModel): Promise<boolean>;
  preferredModel(models: InstalledModel[]): string | null;
  acquireWriterLock(onAcquired: () => void, onLost: () => void): void;
}

const defaultK = 20;

export function createMemoryHandlers(
  emit: <K extends keyof MemoryEvents>(name: K, payload: MemoryEvents[K]) => void,
  deps: MemoryHandlerDeps,
) {
  // Indexing reports after every batch; the page repaints at most a few times a second.
  const status = throttled((value: MemoryStatus) => emit('status', value));
  const changed = throttled((modelId: string) => emit('changed', { modelId }));
  const service = new MemoryService({
    ...deps,
    onStatus: status,
    onChanged: changed,
  });
  // Every read is compared with what the service last configured from, the first one included: a
  // write landing between the service's own first read and this query's is not lost.
  observeInstalledModels((models) => service.modelsChanged(models));

  function unavailable(startedMs: number): SemanticResponse {
    const phase = service.status.phase;
    return {
      hits: [],
      unavailable:
        phase === 'no-model' || phase === 'evicted' || phase === 'error' ? phase : 'starting',
      modelId: null,
      tookMs: performance.now() - startedMs,
    };
  }

  return {
    status(): MemoryStatus {
      return { ...service.status };
    },

    async search({ query, k = defaultK, filters = {} }: SemanticArgs): Promise<SemanticResponse> {
      const startedMs = performance.now();
      const slot = await service.serving();
      if (!slot || query.trim() === '') return unavailable(startedMs);
      const vector = await slot.queue.embed([query], 'query');
      const hits = await semanticSearch(slot.store, vector, query, filters, k, service.notes);
      // After the search, so it never waits on a check this starts.
      slot.store.noteQuery(vector);
      return {
        hits,
        unavailable: null,
        modelId: slot.modelId,
        tookMs: performance.now() - startedMs,
      };
    },

    /** Notes about the same things as `noteId`, best first, one (best) chunk per note. */
    async related({ noteId, k = 8 }: RelatedArgs): Promise<SemanticResponse> {
      const startedMs = performance.now();
      const slot = await service.serving();
      if (!slot) return unavailable(startedMs);
      const vector = await noteVector(slot.store, noteId);
      if (!vector) return { hits: [], unavailable: null, modelId: slot.modelId, tookMs: 0 };
      const found = slot.store.index.search(vector, Math.max(50, k * 10));
      const chunks = await hitsFor(slot.store, found, '', {}, found.length, noteId);
      const best = new Map<string, ChunkHit>();
      for (const hit of chunks) if (!best.has(hit.noteId)) best.set(hit.noteId, hit);
      return {
        hits: [...best.values()].slice(0, k),
        unavailable: null,
        modelId: slot.modelId,
        tookMs: performance.now() - startedMs,
      };
    },

    /**
     * For keyword hits: the chunk of each note that best matches the query's words, so a result
     * can jump to it. Notes not indexed yet get none.
     */
    async chunksForNotes({
      noteIds,
      query,
    }: {
      noteIds: string[];
      query: string;
    }): Promise<ChunkHit[]> {
      const slot = await service.serving();
      const terms = tokenizeQuery(query);
      const notes = await readNotesForIndex(noteIds);
      // Every note's chunks are asked for at once: one round trip's wait, not one per note.
      const chunksOf = await Promise.all(
        notes.map(async (note) =>
          slot
            ? (await repo.chunksOfNote(slot.modelId, note.id)).sort((a, b) => a.seq - b.seq)
            : [],
        ),
      );
      const out: ChunkHit[] = [];
      for (const [i, note] of notes.entries()) {
        const chunks = chunksOf[i]!;
        // Not indexed (no model yet, or still queued): the paragraph with the query's words.
        const ranges = chunks.length > 0 ? chunks : [paragraphRange(note.content, terms)];
        const texts = ranges.map((c) => ({ text: note.content.slice(c.start, c.end) }));
        const pick = bestChunkForTerms(texts, terms);
        const range = ranges[pick]!;
        const chunk = chunks[pick];
        out.push(
          chunkHit(
            note,
            {
              chunkId: chunk?.id ?? `keyword|${note.id}|${range.start}`,
              start: range.start,
              end: range.end,
              headingPath: chunk?.headingPath ?? [],
            },
            0,
            query,
          ),
        );
      }
      return out;
    },

    /**
     * Embeds `texts` with the serving model (long-term memories and the questions that recall
     * them; they never enter the notes' index). Null when no embedding model is serving; no
     * texts just names the serving model.
     */
    async embed(
      { texts, input }: { texts: string[]; input: EmbedInput },
      ctx?: HandlerContext<MemoryEvents>,
    ): Promise<EmbedResponse | null> {
      const slot = await service.serving();
      if (!slot) return null;
      const dimensions = slot.store.dimensions;
      if (texts.length === 0)
        return { modelId: slot.modelId, dimensions, vectors: new Float32Array(0) };
      const vectors = await slot.queue.embed(texts, input);
      ctx?.transfer(vectors.buffer as ArrayBuffer);
      return { modelId: slot.modelId, dimensions, vectors };
    },

    async setModel({ key }: { key: string | null }): Promise<MemoryStatus> {
      await service.setModel(key);
      return { ...service.status };
    },

    async setPaused({ paused }: { paused: boolean }): Promise<MemoryStatus> {
      await service.setPaused(paused);
      return { ...service.status };
    },

    async rebuild(): Promise<MemoryStatus> {
      await service.wipeAndRebuild();
      return { ...service.status };
    },

    /** Resolves when indexing has caught up (tests and benchmarks). */
    async settled(): Promise<MemoryStatus> {
      await service.settled();
      return { ...service.status };
    },
  };
}
