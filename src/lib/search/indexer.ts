// The indexing job loop for one embedding model. Jobs live in IndexedDB (one per note), so work
// survives a reload or a closed tab: a start re-queues what changed and carries on. Notes are
// chunked, only chunks whose text is new are embedded, and every embedded batch is saved before
// the next one starts (a checkpoint), so an interrupted job redoes at most one batch.
import type { ChunkOptions, TextEmbedder } from './embedding-types';
import type { VectorStore } from './vector-store';
import { chunkNote } from './chunker';
import { quantizeInt8 } from './quantize';
import { planNote, type PlannedChunk } from './chunk-plan';
import * as repo from '../db/memory-repo';
import { readNotesForIndex } from '../db/search-source';
import { errorMessage } from '../errors';
import { chunkTokens, overlapTokens } from './chunk-sizes';

export { chunkTokens, overlapTokens };

/** Chunks per embedding call: batching barely helps on CPU, and a query waits at most one batch. */
const embedBatch = 8;
const notesPerRound = 16;

/** How notes are cut for `embedder`; the title gives every chunk its note's context. */
export function chunkOptionsFor(
  embedder: Pick<TextEmbedder, 'maxTokens' | 'countTokens'>,
  title: string,
): ChunkOptions {
  return {
    // Room for the special tokens ([CLS], [SEP]) the model adds.
    maxTokens: Math.min(chunkTokens, embedder.maxTokens - 2),
    overlapTokens,
    countTokens: (text) => embedder.countTokens(text),
    title,
  };
}

export interface IndexProgress {
  modelId: string;
  state: 'idle' | 'indexing' | 'paused' | 'error';
  notesTotal: number;
  notesDone: number;
  notesFailed: number;
  /** Chunks embedded since this worker started. */
  chunksEmbedded: number;
  chunksPerS: number | null;
  etaMs: number | null;
  error: string | null;
}

export interface IndexerDeps {
  /** Takes the model for one call; queries are served between calls. */
  embed(texts: string[]): Promise<Float32Array>;
  onProgress(progress: IndexProgress): void;
  /** After a write: which labels were added and removed (other tabs follow). */
  onChange(added: number[], removed: number[]): void;
}

const yieldToEvents = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

export class Indexer {
  readonly modelId: string;
  #embedder: TextEmbedder;
  #store: VectorStore;
  #deps: IndexerDeps;
  #paused = false;
  #running: Promise<void> | undefined;
  #again = false;
  #stopped = false;
  #progress: IndexProgress;
  #embedMs = 0;
  #chunksPerNote = { chunks: 0, notes: 0 };

  constructor(embedder: TextEmbedder, store: VectorStore, deps: IndexerDeps, paused: boolean) {
    this.modelId = embedder.modelId;
    this.#embedder = embedder;
    this.#store = store;
    this.#deps = deps;
    this.#paused = paused;
    this.#progress = {
      modelId: this.modelId,
      state: paused ? 'paused' : 'idle',
      notesTotal: 0,
      notesDone: 0,
      notesFailed: 0,
      chunksEmbedded: 0,
      chunksPerS: null,
      etaMs: null,
      error: null,
    };
  }

  get progress(): IndexProgress {
    return { ...this.#progress };
  }

  /** Queues every live note whose indexed text is not its current text, and drops deleted ones. */
  async syncWithVault(): Promise<void> {
    // Note metadata only: the hashes say what changed, no note text is read here.
    const [hashes, jobs] = await Promise.all([repo.liveNoteHashes(), repo.allJobs(this.modelId)]);
    const jobsByNote = new Map(jobs.map((j) => [j.payload.noteId, j]));
    const stale = [...hashes].filter(([id, hash]) => {
      const job = jobsByNote.get(id);
      return !job || job.status === 'failed' || job.payload.noteHash !== hash;
    });
    const gone = jobs.filter((j) => !hashes.has(j.payload.noteId)).map((j) => j.payload.noteId);
    const toQueue = [...stale.map(([id]) => id), ...gone].filter(
      (id) => jobsByNote.get(id)?.status !== 'queued',
    );
    await repo.queueNotes(this.modelId, toQueue);
    this.kick();
  }

  async queue(noteIds: string[]): Promise<void> {
    await repo.queueNotes(this.modelId, noteIds);
    this.kick();
  }

  pause(): void {
    this.#paused = true;
    void this.#report({});
  }

  resume(): void {
    this.#paused = false;
    this.kick();
  }

  /** Stops for good (model switched away or index wiped); resolves when the loop has exited. */
  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#running;
  }

  /** Resolves once the queue is empty (or paused). */
  async settled(): Promise<void> {
    while (this.#running) await this.#running;
  }

  kick(): void {
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.#loop().finally(() => {
      this.#running = undefined;
      if (this.#again && !this.#stopped) {
        this.#again = false;
        this.kick();
      }
    });
  }

  async #loop(): Promise<void> {
    try {
      for (;;) {
        this.#again = false;
        if (this.#paused || this.#stopped) break;
        const jobs = await repo.queuedJobs(this.modelId, notesPerRound);
        if (jobs.length === 0) break;
        await this.#report({ state: 'indexing', error: null });
        await this.#round(jobs.map((j) => j.payload.noteId));
        await yieldToEvents();
      }
      await this.#report({ state: this.#paused ? 'paused' : 'idle', etaMs: null });
    } catch (error) {
      this.#paused = true;
      await this.#report({ state: 'error', error: errorMessage(error) });
    }
  }

  async #round(noteIds: string[]): Promise<void> {
    const notes = new Map((await readNotesForIndex(noteIds)).map((n) => [n.id, n]));
    const plans = new Map<string, { hash: string | null; chunks: PlannedChunk[] }>();
    const toEmbed: PlannedChunk[] = [];
    for (const noteId of noteIds) {
      const note = notes.get(noteId);
      if (!note || note.deletedAt !== 0) {
        plans.set(noteId, { hash: null, chunks: [] });
        continue;
      }
      try {
        const chunks = chunkNote(note.content, chunkOptionsFor(this.#embedder, note.title));
        const existing = await repo.chunksOfNote(this.modelId, noteId);
        const planned = await planNote(this.modelId, noteId, chunks, existing);
        plans.set(noteId, { hash: note.hash, chunks: planned });
        toEmbed.push(...planned.filter((c) => c.needsVector));
      } catch (error) {
        await repo.failJob(this.modelId, noteId, errorMessage(error));
      }
    }
    for (let i = 0; i < toEmbed.length; i += embedBatch) {
      if (this.#stopped) return;
      await this.#embedBatch(toEmbed.slice(i, i + embedBatch));
      await yieldToEvents();
    }
    for (const [noteId, plan] of plans) {
      let removed: number[] = [];
      await this.#store.write(async () => {
        const result = await repo.finishNote(
          this.modelId,
          noteId,
          plan.hash,
          plan.chunks.map((c) => c.record),
        );
        removed = result.removedLabels;
        return { remove: removed };
      });
      if (removed.length > 0) this.#deps.onChange([], removed);
    }
    this.#chunksPerNote.notes += noteIds.length;
    this.#chunksPerNote.chunks += toEmbed.length;
  }

  async #embedBatch(batch: PlannedChunk[]): Promise<void> {
    const startedMs = performance.now();
    const vectors = await this.#deps.embed(batch.map((c) => c.embedText));
    this.#embedMs += performance.now() - startedMs;
    const dims = this.#embedder.dimensions;
    const { q, scales } = quantizeInt8(vectors, dims);
    const first = await repo.reserveLabels(this.modelId, batch.length);
    const chunks = batch.map((c, i) => ({ ...c.record, label: first + i }));
    const rows: repo.VectorRecord[] = chunks.map((c, i) => ({
      chunkId: c.id,
      modelId: this.modelId,
      label: c.label,
      q: q.slice(i * dims, (i + 1) * dims),
      scale: scales[i]!,
    }));
    batch.forEach((c, i) => (c.record.label = chunks[i]!.label));
    await this.#store.write(async () => {
      await repo.saveEmbedded(this.modelId, chunks, rows);
      return { add: rows };
    });
    this.#deps.onChange(
      rows.map((r) => r.label),
      [],
    );
    this.#progress.chunksEmbedded += batch.length;
    await this.#report({});
  }

  async #report(patch: Partial<IndexProgress>): Promise<void> {
    const counts = await repo.countJobs(this.modelId);
    const rate = this.#embedMs > 0 ? (this.#progress.chunksEmbedded * 1000) / this.#embedMs : null;
    const perNote = this.#chunksPerNote.notes
      ? this.#chunksPerNote.chunks / this.#chunksPerNote.notes
      : null;
    Object.assign(this.#progress, {
      notesTotal: counts.queued + counts.done + counts.failed,
      notesDone: counts.done,
      notesFailed: counts.failed,
      chunksPerS: rate,
      etaMs: rate && perNote !== null ? ((counts.queued * perNote) / rate) * 1000 : null,
      ...patch,
    });
    if (this.#paused && this.#progress.state === 'indexing') this.#progress.state = 'paused';
    this.#deps.onProgress(this.progress);
  }
}
