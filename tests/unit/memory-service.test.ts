// The indexing pipeline end to end in Node: real notes in (fake) IndexedDB, the real chunker, the
// generated tiny BERT through the real embedder, the default vector index. Checks convergence
// (exactly one vector per current chunk), incremental re-embedding, deletion, search and rebuild.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
// eslint-disable-next-line no-restricted-imports
import { env } from '@huggingface/transformers';
import { noNetwork } from '../../src/lib/llm/transformers/activity';
import { loadEmbedder } from '../../src/lib/llm/transformers/embedder';
import { modelKey, type TransformersSpec } from '../../src/lib/llm/types';
import { MemoryService } from '../../src/lib/search/memory-service';
import { chunkNote } from '../../src/lib/search/chunker';
import { chunkOptionsFor } from '../../src/lib/search/indexer';
import { semanticSearch } from '../../src/lib/search/semantic-search';
import type { MemoryStatus } from '../../src/lib/search/memory-types';
import { createNote, getNote, saveContent, trashNote, wipeVault } from '../fixtures/notes';
import { saveInstalledModel } from '../../src/lib/db/models-repo';
import { getDb } from '../../src/lib/db/db';
import { generateTinyBert, tinyBertSpec } from '../fixtures/tiny-bert';

const spec = tinyBertSpec();
const key = modelKey(spec);
/** A second embedding model (same weights, another identity) to switch to. */
const otherSpec: TransformersSpec = tinyBertSpec('tiny-bert-b');
const otherKey = modelKey(otherSpec);

const notes: Record<string, string> = {
  Git: '# Git\n\n> Distributed version control.\n\n- Show the status:\n\n`git status`\n\n- Commit all staged changes with a message:\n\n`git commit -m "message"`\n',
  Tar: '# tar\n\n> Archiving utility.\n\n- Create an archive from files:\n\n`tar cf target.tar file1 file2`\n\n- Extract an archive:\n\n`tar xf source.tar`\n',
  Garden: `# Garden\n\n## Spring\n\n${'Plant tomatoes and basil near the fence. '.repeat(30)}\n\n## Autumn\n\nRake the leaves into the compost heap.\n`,
  Tagebuch: '# Tagebuch\n\nHeute habe ich den Zug nach Hamburg genommen und am Hafen gegessen.\n',
  日记: '# 日记\n\n今天我去了图书馆，读了一本关于历史的书。\n',
};

let root = '';
let services: MemoryService[] = [];
let status: MemoryStatus | undefined;
/** Models whose files the browser "evicted": the service's presence check says they are gone. */
const gone = new Set<string>();
/** Keys the service asked to load, in order. */
let loads: string[] = [];
/** When set, each presence check waits on it before answering (the records were read by then). */
let afterPresence: (() => Promise<void>) | null = null;

function startUnsettled(options: { writer: boolean } = { writer: true }): MemoryService {
  const service = new MemoryService({
    loadEmbedder: (s) => {
      loads.push(modelKey(s));
      return loadEmbedder(s, { network: noNetwork, deviceOverride: 'cpu' });
    },
    filesPresent: async (model) => {
      const present = !gone.has(model.key);
      await afterPresence?.();
      return present;
    },
    preferredModel: (models) => models[0]?.key ?? null,
    onStatus: (s) => (status = s),
    onChanged: () => {},
    // A follower configures once at start; the indexing tab a second time when it gets the lock.
    acquireWriterLock: (onAcquired) => {
      if (options.writer) onAcquired();
    },
  });
  services.push(service);
  return service;
}

async function start(): Promise<MemoryService> {
  const service = startUnsettled();
  await service.settled();
  return service;
}

async function countTokens(text: string): Promise<number> {
  const embedder = await loadEmbedder(spec, { network: noNetwork, deviceOverride: 'cpu' });
  try {
    return embedder.countTokens(text);
  } finally {
    await embedder.dispose();
  }
}

/** What the chunker says the vault should hold, computed apart from the pipeline. */
async function expectedChunks(): Promise<number> {
  const embedder = await loadEmbedder(spec, { network: noNetwork, deviceOverride: 'cpu' });
  const db = getDb();
  const live = await db.notes.where('deletedAt').equals(0).toArray();
  let total = 0;
  for (const note of live) {
    const body = await db.bodies.get(note.id);
    total += chunkNote(body?.content ?? '', chunkOptionsFor(embedder, note.title)).length;
  }
  await embedder.dispose();
  return total;
}

async function stored() {
  const db = getDb();
  const [chunks, vectors, jobs] = await Promise.all([
    db.chunks.toArray(),
    db.vectors.toArray(),
    db.jobs.toArray(),
  ]);
  return { chunks, vectors, jobs };
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'hearth-memory-'));
  await generateTinyBert(join(root, spec.repo));
  await generateTinyBert(join(root, otherSpec.repo));
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = root;
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

beforeEach(async () => {
  for (const service of services.splice(0)) await service.dispose();
  gone.clear();
  loads = [];
  afterPresence = null;
  await wipeVault();
  const db = getDb();
  await Promise.all([
    db.chunks.clear(),
    db.vectors.clear(),
    db.jobs.clear(),
    db.indexBlocks.clear(),
  ]);
  await db.meta.clear();
  await db.settings.clear();
  await db.models.clear();
  await saveInstalledModel({
    key,
    name: 'Tiny BERT',
    spec,
    source: 'import',
    sizeBytes: 1,
    installedAt: Date.now(),
    complete: true,
  });
});

async function seed(): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const [title, body] of Object.entries(notes)) {
    const note = await createNote(title);
    await saveContent(note.id, body);
    ids.set(title, note.id);
  }
  return ids;
}

describe('MemoryService', () => {
  it('converges to exactly one vector per current chunk', async () => {
    await seed();
    await start();
    const { chunks, vectors, jobs } = await stored();
    const expected = await expectedChunks();
    expect(expected).toBeGreaterThan(Object.keys(notes).length);
    expect(chunks).toHaveLength(expected);
    expect(vectors).toHaveLength(expected);
    expect(new Set(vectors.map((v) => v.chunkId))).toEqual(new Set(chunks.map((c) => c.id)));
    expect(new Set(chunks.map((c) => c.label)).size).toBe(expected);
    expect(jobs.every((j) => j.status === 'done')).toBe(true);
    expect(jobs).toHaveLength(Object.keys(notes).length);
    expect(status).toMatchObject({
      phase: 'ready',
      servingModel: key,
      chunks: expected,
      vectors: expected,
    });
    expect(await countTokens('git status')).toBeGreaterThan(0);
  });

  it('re-embeds only the changed chunks of an edited note and drops a trashed note', async () => {
    const ids = await seed();
    const service = await start();
    const before = await stored();
    const garden = ids.get('Garden')!;
    const note = (await getNote(garden))!;
    await saveContent(garden, note.content.replace('Rake the leaves', 'Sweep the leaves'));
    await service.settled();
    const after = await stored();
    const labelsBefore = new Map(before.chunks.map((c) => [c.id, c.label]));
    const changed = after.chunks.filter((c) => labelsBefore.get(c.id) !== c.label);
    expect(changed.length).toBeGreaterThan(0);
    expect(changed.every((c) => c.noteId === garden)).toBe(true);
    // Chunks of the unchanged section kept their vectors.
    const gardenBefore = before.chunks.filter((c) => c.noteId === garden);
    const kept = after.chunks.filter((c) => c.noteId === garden && labelsBefore.has(c.id));
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length + changed.length).toBe(
      after.chunks.filter((c) => c.noteId === garden).length,
    );
    expect(gardenBefore.length).toBeGreaterThanOrEqual(kept.length);
    expect(after.vectors).toHaveLength(after.chunks.length);

    await trashNote(ids.get('Tar')!);
    await service.settled();
    const trashed = await stored();
    expect(trashed.chunks.some((c) => c.noteId === ids.get('Tar'))).toBe(false);
    expect(trashed.vectors).toHaveLength(trashed.chunks.length);
    expect(trashed.chunks).toHaveLength(await expectedChunks());
  });

  it('finds a chunk by its own text first, and rebuilds the same chunks from scratch', async () => {
    const ids = await seed();
    const service = await start();
    const slot = (await service.serving())!;
    const db = getDb();
    const tagebuch = ids.get('Tagebuch')!;
    const chunk = await db.chunks.filter((c) => c.noteId === tagebuch).first();
    const body = (await getNote(tagebuch))!.content;
    const text = body.slice(chunk!.start, chunk!.end);
    const vector = await slot.queue.embed([text], 'passage');
    const hits = await semanticSearch(slot.store, vector, text, {}, 5);
    expect(hits[0]?.noteId).toBe(tagebuch);

    const before = new Set((await stored()).chunks.map((c) => c.id));
    await service.wipeAndRebuild();
    await service.settled();
    const after = await stored();
    expect(new Set(after.chunks.map((c) => c.id))).toEqual(before);
    expect(after.vectors).toHaveLength(before.size);
  });

  it('restores the saved index on the next start without re-embedding', async () => {
    await seed();
    const first = await start();
    await first.flush();
    const labels = (await stored()).chunks.map((c) => c.label).sort();
    await first.dispose();
    services = [];
    await start();
    expect(status?.restoredFromSnapshot).toBe(true);
    expect((await stored()).chunks.map((c) => c.label).sort()).toEqual(labels);
  });

  it('switches models in the background: the old index serves until the new one is complete', async () => {
    await seed();
    await saveInstalledModel({
      key: otherKey,
      name: 'Tiny BERT B',
      spec: otherSpec,
      source: 'import',
      sizeBytes: 1,
      installedAt: Date.now() + 1,
      complete: true,
    });
    const service = await start();
    expect(status).toMatchObject({ servingModel: key, targetModel: key });
    const count = (await stored()).chunks.length;

    await service.setModel(otherKey);
    expect(status).toMatchObject({ servingModel: key, targetModel: otherKey });
    expect((await service.serving())?.modelId).toBe(key);

    await service.settled();
    expect(status).toMatchObject({ servingModel: otherKey, targetModel: otherKey });
    const after = await stored();
    expect(new Set(after.chunks.map((c) => c.modelId))).toEqual(new Set([otherKey]));
    expect(after.chunks).toHaveLength(count);
    expect(after.vectors).toHaveLength(count);
    expect(new Set(after.jobs.map((j) => j.kind))).toEqual(new Set([`embed:${otherKey}`]));
  });
});

/** The installed record as the live query of the models table would hand it over. */
const records = () => getDb().models.toArray();

describe('MemoryService with an evicted embedding model', () => {
  it('names the model, loads nothing, keeps its vectors, and serves them again once it is back', async () => {
    await seed();
    const first = await start();
    await first.flush();
    const vectors = (await stored()).vectors.length;
    await first.dispose();
    services = [];
    loads = [];

    gone.add(key);
    const service = await start();
    expect(status).toMatchObject({
      phase: 'evicted',
      evicted: { key, name: 'Tiny BERT', source: 'import' },
      servingModel: null,
      models: [],
    });
    expect(loads).toEqual([]);
    expect(await service.serving()).toBeNull();
    expect((await stored()).vectors).toHaveLength(vectors);

    // Imported again: the files are back and the record is written anew under the same key.
    gone.delete(key);
    const record = (await getDb().models.get(key))!;
    await saveInstalledModel({ ...record, installedAt: record.installedAt + 1 });
    service.modelsChanged(await records());
    await service.settled();
    expect(status).toMatchObject({ phase: 'ready', evicted: null, servingModel: key });
    expect(loads).toEqual([key]);
    // The kept index serves: nothing was embedded again.
    expect(status?.passagesEmbedded).toBe(0);
    expect((await stored()).vectors).toHaveLength(vectors);
  });

  it('stays evicted, not "no model", when the Models view marks the record incomplete', async () => {
    gone.add(key);
    const service = await start();
    expect(status?.phase).toBe('evicted');
    const record = (await getDb().models.get(key))!;
    await saveInstalledModel({ ...record, complete: false, sizeBytes: 0 });
    service.modelsChanged(await records());
    await service.settled();
    expect(status).toMatchObject({ phase: 'evicted', evicted: { key } });
  });

  it('evicted while running: the next configuration finds it gone instead of failing its load', async () => {
    await seed();
    const service = await start();
    expect(status?.phase).toBe('ready');
    gone.add(key);
    // The slot is dropped and loaded again, as a wipe of the index does.
    await service.wipeAndRebuild();
    expect(status).toMatchObject({ phase: 'evicted', evicted: { key } });
  });

  /**
   * Starts a follower whose first configuration reads the evicted record; the model is imported
   * again (files back, record rewritten) while that configuration checks the files, and `emit`
   * hands the live query's read to the service at the moment it chooses.
   */
  async function reimportDuringStart(emit: 'before-read' | 'after-read'): Promise<void> {
    gone.add(key);
    const record = (await getDb().models.get(key))!;
    const reimported = { ...record, installedAt: record.installedAt + 1 };
    let reached!: () => void;
    const read = new Promise<void>((resolve) => (reached = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    afterPresence = () => {
      reached();
      return released;
    };
    const service = startUnsettled({ writer: false });
    if (emit === 'before-read') service.modelsChanged([reimported]);
    await read;
    afterPresence = null;
    gone.delete(key);
    await saveInstalledModel(reimported);
    if (emit === 'after-read') service.modelsChanged(await records());
    release();
    await service.settled();
  }

  it('a live read that arrives after the first configuration read older records configures again', async () => {
    await reimportDuringStart('after-read');
    expect(status).toMatchObject({ phase: 'ready', evicted: null, servingModel: key });
  });

  it('a live read that arrived before the first configuration read anything is compared with it', async () => {
    await reimportDuringStart('before-read');
    expect(status).toMatchObject({ phase: 'ready', evicted: null, servingModel: key });
  });

  it('a model never completed (a download cut off halfway) is not evicted: there is no model', async () => {
    await getDb().models.clear();
    await saveInstalledModel({
      key: otherKey,
      name: 'Tiny BERT B',
      spec: otherSpec,
      source: 'hub',
      sizeBytes: 0,
      installedAt: Date.now(),
      complete: false,
    });
    gone.add(otherKey);
    await start();
    expect(status).toMatchObject({ phase: 'no-model', evicted: null });
    expect(loads).toEqual([]);
  });
});
