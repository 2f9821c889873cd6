// The indexing job loop for one embedding model. Jobs live in IndexedDB (one per note), so work
// survives a reload or a closed tab: a start re-queues what changed and carries on. Notes are
// chunked, only chunks whose text is new are embedded, and every embedded batch is saved in one
// transaction (a checkpoint) that also finishes the notes it completes, so an interrupted job
// redoes at most the batches not yet saved. Batches grow for a fast model (a free one would
// otherwise spend its time on per-batch overhead) and stay small for a slow one, so a query, a
// pause or a progress report never waits long.
import type { ChunkOptions, TextEmbedder } from './embedding-types';
import type { VectorStore } from './vector-store';
import { quantizeInt8 } from './quantize';
import { planRound, type RoundNote, type RoundPlan } from './index-round';
import type { PlannedChunk } from './chunk-plan';
import * as repo from '../db/memory-repo';
import {
  saveBatch,
  type BatchResult,
  type EmbeddedChunk,
  type FinishedNote,
} from '../db/index-batch-repo';
import { errorMessage } from '../errors';
import { chunkTokens, overlapTokens } from './chunk-sizes';
import { BatchSizer } from './batch-sizer';

export { chunkTokens, overlapTokens };

/** How notes are cut for `embedder`; the title gives every chunk its note's context. */
export function chunkOptionsFor(
  embedder: Pick<TextEmbedder, 'maxTokens' | 'countTokens'>,
  title: string,
): ChunkOptions {
  // The chunker counts some texts twice (a line as a block, then as overlap): a real tokenizer
  // costs microseconds per character, and chunking is most of the pipeline's own time.
  const counted = new Map<string, number>();
  return {
    // Room for the special tokens ([CLS], [SEP]) the model adds.
    maxTokens: Math.min(chunkTokens, embedder.maxTokens - 2),
    overlapTokens,
    countTokens: (text) => {
      let tokens = counted.get(text);
      if (tokens === undefined) counted.set(text, (tokens = embedder.countTokens(text)));
      return tokens;
    },
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

/** A round's notes as taken from the queue, and what indexing them takes. */
interface PlannedRound {
  round: RoundNote[];
  plan: RoundPlan;
}

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
  #batch = new BatchSizer();
  /** Queued notes, oldest first, read once per run and again whenever the queue changes. */
  #pending: RoundNote[] = [];
  #queueChanged = true;
  /** Job counts, read at each (re)read of the queue and kept up to date in between. */
  #counts = { queued: 0, done: 0, failed: 0 };
  /** The batch being saved while the next one is embedded: at most one. */
  #saving: Promise<void> = Promise.resolve();
  /** The next round, planned while this round's last batch is embedded. */
  #ahead: Promise<PlannedRound> | undefined;

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
    this.#queueChanged = true;
    this.kick();
  }

  async queue(noteIds: string[]): Promise<void> {
    await repo.queueNotes(this.modelId, noteIds);
    this.#queueChanged = true;
    this.kick();
  }

  pause(): void {
    this.#paused = true;
    void this.#report({}, true);
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
        const next = await this.#takeRound();
        if (next.round.length === 0) break;
        await this.#report({ state: 'indexing', error: null });
        await this.#round(next);
        await yieldToEvents();
      }
      this.#dropAhead();
      await this.#saving;
      await this.#report({ state: this.#paused ? 'paused' : 'idle', etaMs: null }, true);
    } catch (error) {
      this.#paused = true;
      this.#dropAhead();
      // A save still running would otherwise fail unheard; its error is the one to show.
      const failed = await this.#saving.then(
        () => error,
        (saveError: unknown) => saveError,
      );
      this.#saving = Promise.resolve();
      this.#queueChanged = true;
      await this.#report({ state: 'error', error: errorMessage(failed) }, true);
    }
  }

  /**
   * The next round and its plan: the one planned ahead, unless the queue changed since (an edit,
   * an import, a note the last round left queued), which makes it stale; a stale one is dropped
   * unread, its notes are still queued and the queue is read again.
   */
  async #takeRound(): Promise<PlannedRound> {
    const ahead = this.#ahead;
    this.#ahead = undefined;
    if (ahead && !this.#queueChanged) {
      const planned = await ahead;
      // The queue may have changed while the plan was awaited.
      if (!this.#queueChanged) return planned;
    }
    return this.#plan(await this.#nextRound());
  }

  #plan(round: RoundNote[]): Promise<PlannedRound> {
    return planRound(this.modelId, round, (title) => chunkOptionsFor(this.#embedder, title)).then(
      (plan) => ({ round, plan }),
    );
  }

  /**
   * Plans the next round while this one's last batch is embedded, so its reads of notes and
   * chunks wait for the previous save alongside the model instead of after it. Only from the
   * queue as read (a re-read now would list this round's notes, still queued until their batch is
   * saved); its notes are other notes, whose stored chunks no save of this round touches.
   */
  #planAhead(): void {
    if (this.#queueChanged || this.#pending.length === 0 || this.#stopped || this.#paused) return;
    this.#ahead = this.#plan(this.#pending.splice(0, this.#roundNotes()));
    // Awaited when taken; dropped, its failure is nobody's (a fresh plan reads the same again).
    this.#ahead.catch(() => undefined);
  }

  /** A plan never taken: its notes left the in-memory queue, so it is read again. */
  #dropAhead(): void {
    if (this.#ahead) this.#queueChanged = true;
    this.#ahead = undefined;
  }

  /**
   * The next notes to index. Reading the queue sorts every queued job, so it is read once and
   * kept; an edit or an import queued meanwhile makes the next round read it again.
   */
  async #nextRound(): Promise<RoundNote[]> {
    if (this.#queueChanged || this.#pending.length === 0) {
      this.#queueChanged = false;
      await this.#saving;
      const [jobs, counts] = await Promise.all([
        repo.queuedJobs(this.modelId, Infinity),
        repo.countJobs(this.modelId),
      ]);
      this.#pending = jobs.map((j) => ({ noteId: j.payload.noteId, queuedAt: j.createdAt }));
      this.#counts = counts;
    }
    return this.#pending.splice(0, this.#roundNotes());
  }

  /** Enough notes to fill a couple of batches, at 16 at least (one batch is at least 8 chunks). */
  #roundNotes(): number {
    const perNote = this.#chunksPerNote.notes
      ? this.#chunksPerNote.chunks / this.#chunksPerNote.notes
      : 1;
    return Math.max(16, Math.ceil((2 * this.#batch.size) / Math.max(perNote, 1)));
  }

  async #round({ round, plan }: PlannedRound): Promise<void> {
    for (const { noteId, error } of plan.failed) {
      await repo.failJob(this.modelId, noteId, error);
      this.#counts.queued--;
      this.#counts.failed++;
    }
    const { toEmbed, notes } = plan;
    let next = 0;
    // Notes finished by the batch that stores their last new chunk (those with none: the first).
    const finishing = (stored: number) => {
      const from = next;
      while (next < notes.length && notes[next]!.after <= stored) next++;
      return notes.slice(from, next).map((n) => n.finish);
    };
    let at = 0;
    do {
      if (this.#stopped || this.#paused) break;
      const batch = toEmbed.slice(at, at + this.#batch.size);
      at += batch.length;
      if (at >= toEmbed.length) this.#planAhead();
      const embedded = await this.#embed(batch);
      await this.#save(embedded, finishing(at));
      await yieldToEvents();
    } while (at < toEmbed.length);
    // Notes left unfinished stay queued, and their stored chunks are kept: re-read the queue.
    if (next < notes.length) this.#queueChanged = true;
    this.#chunksPerNote.notes += round.length;
    this.#chunksPerNote.chunks += toEmbed.length;
  }

  async #embed(batch: PlannedChunk[]): Promise<EmbeddedChunk[]> {
    if (batch.length === 0) return [];
    const startedMs = performance.now();
    const vectors = await this.#deps.embed(batch.map((c) => c.embedText));
    const ms = performance.now() - startedMs;
    this.#embedMs += ms;
    this.#batch.observe(batch.length, ms);
    const dims = this.#embedder.dimensions;
    const { q, scales } = quantizeInt8(vectors, dims);
    return batch.map((c, i) => ({
      record: c.record,
      q: q.slice(i * dims, (i + 1) * dims),
      scale: scales[i]!,
    }));
  }

  /**
   * Saves a batch while the next one is embedded: the write runs in the database's own thread, so
   * waiting for it would leave the model idle. Saves still run one after another, in order.
   */
  async #save(embedded: EmbeddedChunk[], finished: FinishedNote[]): Promise<void> {
    await this.#saving;
    if (embedded.length === 0 && finished.length === 0) return;
    this.#saving = (async () => {
      let result: BatchResult | undefined;
      await this.#store.write(async () => {
        result = await saveBatch(this.modelId, embedded, finished);
        return { add: result.added, remove: result.removedLabels };
      });
      const { added, removedLabels, done } = result!;
      this.#deps.onChange(
        added.map((r) => r.label),
        removedLabels,
      );
      this.#progress.chunksEmbedded += added.length;
      this.#counts.queued -= done.length;
      this.#counts.done += finished.filter(
        (n) => n.noteHash !== null && done.includes(n.noteId),
      ).length;
      if (done.length < finished.length) this.#queueChanged = true;
      await this.#report({});
    })();
    // Whoever waits for it next (the next save, or the loop's end) gets its error; until then it
    // is not an unhandled rejection.
    this.#saving.catch(() => undefined);
  }

  /** `recount` reads the jobs' counts from the database (at rest); between batches they are kept here. */
  async #report(patch: Partial<IndexProgress>, recount = false): Promise<void> {
    if (recount) this.#counts = await repo.countJobs(this.modelId);
    const counts = this.#counts;
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
