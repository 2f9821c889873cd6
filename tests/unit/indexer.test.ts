// The indexing loop with an engine fixture in place of a model: a tokenizer that counts words and
// an embedder that returns fixed vectors (so a "model" can be as fast or as slow as a test needs).
// Batches grow for a fast embedder and stay small for a slow one; every run converges to exactly
// one vector per current chunk whatever stopped it (a stop mid-job, a refused write, an edit).
import { beforeEach, describe, expect, it } from 'vitest';
import type { TextEmbedder } from '../../src/lib/search/embedding-types';
import { Indexer, type IndexProgress } from '../../src/lib/search/indexer';
import { VectorStore } from '../../src/lib/search/vector-store';
import { minEmbedBatch, BatchSizer, maxEmbedBatch } from '../../src/lib/search/batch-sizer';
import * as repo from '../../src/lib/db/memory-repo';
import { getDb } from '../../src/lib/db/db';
import { createNote, saveContent, wipeVault } from '../fixtures/notes';

const dims = 16;

/** Fixed unit vectors, one per text; `msPerText` of real waiting per call, `onCall` before it. */
function fixtureEmbedder(msPerText = 0, onCall?: (texts: string[]) => Promise<void>) {
  const calls: number[] = [];
  const embedder: TextEmbedder = {
    modelId: 'fixture:fixed',
    dimensions: dims,
    maxTokens: 130,
    device: 'wasm',
    threads: 1,
    countTokens: (text) => text.split(/\s+/).filter(Boolean).length,
    async embed(texts) {
      calls.push(texts.length);
      await onCall?.(texts);
      if (msPerText > 0) await new Promise((r) => setTimeout(r, msPerText * texts.length));
      const out = new Float32Array(texts.length * dims);
      texts.forEach((text, i) => (out[i * dims + (text.length % dims)] = 1));
      return out;
    },
    dispose: async () => {},
  };
  return { embedder, calls };
}

/** Notes of a few paragraphs each: about 3 chunks of ≤ 128 words. */
async function seed(count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let n = 0; n < count; n++) {
    const note = await createNote(`Note ${n}`);
    const paragraphs = [0, 1, 2, 3, 4].map((p) =>
      Array.from({ length: 70 }, (_, w) => `n${n}p${p}w${w}`).join(' '),
    );
    await saveContent(note.id, `# Note ${n}\n\n${paragraphs.join('\n\n')}\n`);
    ids.push(note.id);
  }
  return ids;
}

const stores: VectorStore[] = [];

async function run(embedder: TextEmbedder, progress: IndexProgress[] = []) {
  const store = await VectorStore.open(embedder.modelId, dims, { onError: () => {} }, 'flat-int8');
  stores.push(store);
  const indexer = new Indexer(
    embedder,
    store,
    {
      embed: (texts) => embedder.embed(texts, 'passage'),
      onProgress: (p) => progress.push(p),
      onChange: () => {},
    },
    false,
  );
  return { store, indexer };
}

/** Exactly one vector per chunk row, unique labels, every job done, and the index holds them all. */
async function expectConverged(store: VectorStore, notes: number) {
  const db = getDb();
  const [chunks, vectors, jobs] = await Promise.all([
    db.chunks.toArray(),
    db.vectors.toArray(),
    db.jobs.toArray(),
  ]);
  expect(jobs.map((j) => j.status)).toEqual(Array(notes).fill('done'));
  expect(vectors.map((v) => v.chunkId).sort()).toEqual(chunks.map((c) => c.id).sort());
  expect(new Set(chunks.map((c) => c.label)).size).toBe(chunks.length);
  expect([...store.index.labels()].sort((a, b) => a - b)).toEqual(
    chunks.map((c) => c.label).sort((a, b) => a - b),
  );
  return chunks;
}

beforeEach(async () => {
  for (const store of stores.splice(0)) store.dispose();
  await wipeVault();
  const db = getDb();
  await Promise.all([
    db.chunks.clear(),
    db.vectors.clear(),
    db.jobs.clear(),
    db.meta.clear(),
    db.indexBlocks.clear(),
  ]);
});

describe('BatchSizer', () => {
  it('grows at most twofold per call up to the cap for a fast model, shrinks at once for a slow one', () => {
    const sizer = new BatchSizer();
    const sizes = [sizer.size];
    for (let i = 0; i < 10; i++) {
      sizer.observe(sizer.size, sizer.size * 0.01);
      sizes.push(sizer.size);
    }
    expect(sizes.slice(0, 4)).toEqual([minEmbedBatch, minEmbedBatch * 2, minEmbedBatch * 4, 64]);
    expect(sizer.size).toBe(maxEmbedBatch);
    sizer.observe(maxEmbedBatch, maxEmbedBatch * 100);
    expect(sizer.size).toBe(minEmbedBatch);
  });
});

describe('Indexer', () => {
  it('gives a fast embedder large batches and converges', async () => {
    await seed(120);
    const { embedder, calls } = fixtureEmbedder();
    const { store, indexer } = await run(embedder);
    await indexer.syncWithVault();
    await indexer.settled();
    const chunks = await expectConverged(store, 120);
    expect(chunks.length).toBeGreaterThan(240);
    expect(Math.max(...calls)).toBeGreaterThan(minEmbedBatch * 8);
    // Far fewer calls, hence transactions, than batches of the minimum size would take.
    expect(calls.length).toBeLessThan(chunks.length / minEmbedBatch / 4);
  });

  it('keeps a slow embedder at the smallest batch, so a query waits for at most that', async () => {
    await seed(6);
    const { embedder, calls } = fixtureEmbedder(30);
    const { store, indexer } = await run(embedder);
    await indexer.syncWithVault();
    await indexer.settled();
    await expectConverged(store, 6);
    expect(Math.max(...calls)).toBe(minEmbedBatch);
  });

  it('stopped mid-job, a new run embeds only what is missing: no duplicates, nothing lost', async () => {
    await seed(40);
    const running: { indexer?: Indexer; stopping?: Promise<void> } = {};
    const first = fixtureEmbedder(0, () => {
      if (first.calls.length === 3) running.stopping = running.indexer!.stop();
      return Promise.resolve();
    });
    const { indexer } = await run(first.embedder);
    running.indexer = indexer;
    await indexer.syncWithVault();
    await indexer.settled();
    await running.stopping;
    const jobs = await repo.countJobs(first.embedder.modelId);
    expect(jobs.queued).toBeGreaterThan(0);
    const storedBefore = await getDb().vectors.count();

    const second = fixtureEmbedder();
    const next = await run(second.embedder);
    await next.indexer.syncWithVault();
    await next.indexer.settled();
    const chunks = await expectConverged(next.store, 40);
    // Every chunk embedded once in all, but the batch the stop cut off.
    const embeddedTwice =
      first.calls.reduce((a, b) => a + b, 0) +
      second.calls.reduce((a, b) => a + b, 0) -
      chunks.length;
    expect(embeddedTwice).toBeLessThanOrEqual(first.calls.at(-1)!);
    expect(storedBefore).toBeGreaterThan(0);
  });

  it('a note edited while its chunks are embedded is indexed again with the new text', async () => {
    const [id] = await seed(3);
    let edited = false;
    const { embedder } = fixtureEmbedder(0, async () => {
      if (edited) return;
      edited = true;
      await saveContent(id!, '# Note 0\n\nshort new text\n');
    });
    const { store, indexer } = await run(embedder);
    await indexer.syncWithVault();
    await indexer.settled();
    const chunks = await expectConverged(store, 3);
    const ofNote = chunks.filter((c) => c.noteId === id);
    expect(ofNote).toHaveLength(1);
    const job = await getDb().jobs.get(repo.jobId(embedder.modelId, id!));
    expect(job?.payload).toMatchObject({ noteHash: (await getDb().notes.get(id!))!.hash });
  });

  it('a note saved after its hash was checked, before its batch is written, is indexed again', async () => {
    // The batch checks the note's hash in a read of its own, never inside the batch's transaction
    // (an editor's save must not wait behind 512 vectors). A save landing in between is told by
    // the job the writer re-queues on every change.
    const [id] = await seed(3);
    const db = getDb();
    const bulkGet = db.notes.bulkGet.bind(db.notes);
    // Once only: the round that indexes the edit embeds again, and a second save in its check
    // would make a third round, and so on (1 run in 3 ended with the job still queued).
    const running: { indexer?: Indexer; step: 'waiting' | 'armed' | 'fired' } = { step: 'waiting' };
    const { embedder } = fixtureEmbedder(0, () => {
      if (running.step === 'waiting') running.step = 'armed';
      return Promise.resolve();
    });
    db.notes.bulkGet = (async (keys: string[]) => {
      const rows = await bulkGet(keys);
      if (running.step === 'armed' && keys.includes(id!)) {
        running.step = 'fired';
        await saveContent(id!, '# Note 0\n\nsaved after the check\n');
        await running.indexer!.queue([id!]);
      }
      return rows;
    }) as typeof bulkGet;
    try {
      const progress: IndexProgress[] = [];
      const { store, indexer } = await run(embedder, progress);
      running.indexer = indexer;
      await indexer.syncWithVault();
      await indexer.settled();
      expect(running.step).toBe('fired');
      expect(progress.at(-1)).toMatchObject({ state: 'idle', error: null });
      const chunks = await expectConverged(store, 3);
      expect(chunks.filter((c) => c.noteId === id)).toHaveLength(1);
      const job = await db.jobs.get(repo.jobId(embedder.modelId, id!));
      expect(job?.payload).toMatchObject({ noteHash: (await db.notes.get(id!))!.hash });
    } finally {
      db.notes.bulkGet = bulkGet;
    }
  });

  it('plans the next round while the last batch embeds; a note edited meanwhile is indexed again', async () => {
    await seed(40);
    const db = getDb();
    const bulkGet = db.bodies.bulkGet.bind(db.bodies);
    let embedding = false;
    let readsDuringEmbed = 0;
    const running: { indexer?: Indexer; edited?: string } = {};
    db.bodies.bulkGet = (async (keys: string[]) => {
      const during = embedding;
      const rows = await bulkGet(keys);
      if (during) readsDuringEmbed++;
      // Edit a note of the round just planned ahead, once, before that round is taken.
      if (during && !running.edited && keys.length > 0) {
        running.edited = keys[0]!;
        await saveContent(running.edited, '# Edited\n\nplanned ahead, then edited\n');
        await running.indexer!.queue([running.edited]);
      }
      return rows;
    }) as typeof bulkGet;
    try {
      const { embedder } = fixtureEmbedder(0, async () => {
        embedding = true;
        await new Promise((r) => setTimeout(r, 5));
        embedding = false;
      });
      const { store, indexer } = await run(embedder);
      running.indexer = indexer;
      await indexer.syncWithVault();
      await indexer.settled();
      expect(readsDuringEmbed).toBeGreaterThan(0);
      const chunks = await expectConverged(store, 40);
      const edited = chunks.filter((c) => c.noteId === running.edited);
      expect(edited).toHaveLength(1);
      const job = await db.jobs.get(repo.jobId(embedder.modelId, running.edited!));
      expect(job?.payload).toMatchObject({ noteHash: (await db.notes.get(running.edited!))!.hash });
    } finally {
      db.bodies.bulkGet = bulkGet;
    }
  });

  it('a refused write stops indexing with the error shown; resumed, it converges', async () => {
    await seed(20);
    const db = getDb();
    const bulkPut = db.vectors.bulkPut.bind(db.vectors);
    let refuse = 2;
    db.vectors.bulkPut = ((...args: Parameters<typeof bulkPut>) =>
      --refuse === 0
        ? Promise.reject(new DOMException('full', 'QuotaExceededError'))
        : bulkPut(...args)) as typeof bulkPut;
    const progress: IndexProgress[] = [];
    const { embedder } = fixtureEmbedder();
    const { store, indexer } = await run(embedder, progress);
    try {
      await indexer.syncWithVault();
      await indexer.settled();
    } finally {
      db.vectors.bulkPut = bulkPut;
    }
    expect(progress.at(-1)).toMatchObject({ state: 'error' });
    expect(progress.at(-1)!.error).toMatch(/semantic index/);
    indexer.resume();
    await indexer.settled();
    await expectConverged(store, 20);
    expect(progress.at(-1)).toMatchObject({ state: 'idle', notesDone: 20, notesTotal: 20 });
  });
});
