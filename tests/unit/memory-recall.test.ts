// Recall of long-term memories: by shared words without an embedding model, by cosine over the
// memories' own vectors with one (made lazily, stored per memory, redone after an edit), and
// back to words when embedding fails.
import { beforeEach, describe, expect, it } from 'vitest';
import {
  keywordBonus,
  keywordScores,
  rankMemories,
  type RecallCandidate,
} from '../../src/lib/assistant/memory-recall';
import { embedMemories, recall, type EmbedFn } from '../../src/lib/assistant/memory-embeddings';
import { addMemory, editMemory, forgetMemory } from '../../src/lib/db/memories-repo';
import { memoryVectorsOf } from '../../src/lib/db/memory-vectors-repo';
import { getDb } from '../../src/lib/db/db';
import type { EmbedInput } from '../../src/lib/search/embedding-types';

const manual = { kind: 'manual' } as const;
const candidate = (id: string, text: string): RecallCandidate => ({ id, text, source: manual });

const memories = [
  candidate('diet', 'The user is vegetarian and cooks Indian food.'),
  candidate('pet', 'The user has a dog called Biscuit.'),
  candidate('city', 'The user lives in Porto, Portugal.'),
  candidate('run', 'The user runs every morning before work.'),
];

describe('keyword recall', () => {
  it('ranks memories by the question’s topic words, ignoring words every memory has', () => {
    const found = rankMemories('What should I cook tonight, I am vegetarian?', memories, 3, null);
    expect(found.map((m) => m.id)).toEqual(['diet']);
    expect(found[0]!.score).toBeGreaterThan(0);
    expect(rankMemories('Where does the user live? In Porto?', memories, 3, null)[0]?.id).toBe(
      'city',
    );
  });

  it('recalls nothing for a question sharing only filler words', () => {
    expect(rankMemories('What do you know about the user?', memories, 5, null)).toEqual([]);
    expect(rankMemories('', memories, 5, null)).toEqual([]);
  });

  it('matches word forms by prefix (4 characters or more), case and width', () => {
    const texts = memories.map((m) => m.text);
    const [diet, pet, city] = keywordScores('VEGETARIANS near ＰＯＲＴＯ with dogs', texts);
    expect(diet).toBeGreaterThan(0);
    expect(city).toBeGreaterThan(0);
    // "dog" is too short to count as the start of "dogs".
    expect(pet).toBe(0);
  });

  it('weighs a rare word above a common one', () => {
    const texts = ['tea in the garden', 'tea at work', 'tea with Ana'];
    const [garden, work] = keywordScores('tea garden', texts);
    expect(garden).toBeGreaterThan(work!);
    expect(work).toBeGreaterThan(0);
  });

  it('returns at most k, best first', () => {
    const found = rankMemories('dog Porto morning vegetarian', memories, 2, null);
    expect(found).toHaveLength(2);
    expect(found[0]!.score).toBeGreaterThanOrEqual(found[1]!.score);
  });
});

/** Unit vector along axis `i` of 4, a little of axis `j` mixed in. */
function axis(i: number, j = i, mix = 0): Float32Array {
  const v = new Float32Array(4);
  v[i] = 1;
  v[j]! += mix;
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

describe('vector recall', () => {
  it('ranks by cosine, recalls memories with no shared words, and uses words only as a bonus', () => {
    const vectors = new Map([
      ['diet', axis(0)],
      ['pet', axis(1)],
      ['city', axis(2)],
      ['run', axis(3)],
    ]);
    // "supper ideas" shares no word with the diet memory but points its way.
    const found = rankMemories('supper ideas', memories, 2, { query: axis(0, 3, 0.5), vectors });
    expect(found.map((m) => m.id)).toEqual(['diet', 'run']);
    expect(found[0]!.score).toBeCloseTo(1 / Math.hypot(1, 0.5), 5);
    // A shared word lifts a near-tie, not a clear loser.
    const tie = rankMemories('my dog', memories, 4, { query: axis(0, 1, 0.9), vectors });
    expect(tie[0]!.id).toBe('pet');
    const far = rankMemories('my dog', memories, 4, { query: axis(0, 1, 0.2), vectors });
    expect(far[0]!.id).toBe('diet');
    expect(far.find((m) => m.id === 'pet')!.score).toBeLessThan(far[0]!.score + keywordBonus);
  });
});

/** A deterministic embedder over 4 topics, counting how many texts it embedded. */
function fakeEmbedder(modelId = 'fake') {
  const topics = ['vegetarian', 'dog', 'porto', 'run'];
  const calls: { texts: string[]; input: EmbedInput }[] = [];
  const embed: EmbedFn = (texts, input) => {
    calls.push({ texts, input });
    const vectors = new Float32Array(texts.length * 4);
    texts.forEach((text, t) => {
      const lower = text.toLowerCase();
      topics.forEach((topic, i) => (vectors[t * 4 + i] = lower.includes(topic) ? 1 : 0.05));
    });
    return Promise.resolve({ modelId, dimensions: 4, vectors });
  };
  return {
    embed,
    calls,
    embedded: () => calls.filter((c) => c.input === 'passage').flatMap((c) => c.texts),
  };
}

beforeEach(async () => {
  await getDb().memories.clear();
  await getDb().memoryVectors.clear();
});

describe('embedding memories', () => {
  it('embeds each memory once, again after an edit, and drops another model’s vectors', async () => {
    const a = await addMemory('The user is vegetarian.', manual);
    await addMemory('The user has a dog.', manual);
    const first = fakeEmbedder();
    expect((await embedMemories(first.embed))?.size).toBe(2);
    expect(first.embedded()).toHaveLength(2);
    expect(await memoryVectorsOf('fake')).toHaveLength(2);

    const again = fakeEmbedder();
    await embedMemories(again.embed);
    expect(again.embedded()).toEqual([]);

    await editMemory(a.id, 'The user is vegetarian, mostly.', a.updatedAt);
    const edited = fakeEmbedder();
    await embedMemories(edited.embed);
    expect(edited.embedded()).toEqual(['The user is vegetarian, mostly.']);

    const other = fakeEmbedder('other-model');
    await embedMemories(other.embed);
    expect(other.embedded()).toHaveLength(2);
    expect(await memoryVectorsOf('fake')).toEqual([]);
    expect(await memoryVectorsOf('other-model')).toHaveLength(2);
  });

  it('recalls by meaning with a model, embedding the question as a query', async () => {
    await addMemory('The user is vegetarian.', manual);
    const dog = await addMemory('The user has a dog.', manual);
    await addMemory('The user lives in Porto.', manual);
    const { embed, calls } = fakeEmbedder();
    const found = await recall('any pet advice for my dog?', 2, embed);
    expect(found[0]).toMatchObject({ id: dog.id, text: 'The user has a dog.', source: manual });
    expect(found).toHaveLength(2);
    expect(calls.find((c) => c.input === 'query')?.texts).toEqual(['any pet advice for my dog?']);
  });

  it('falls back to words with no model, and when embedding fails, saying why', async () => {
    await addMemory('The user is vegetarian.', manual);
    const porto = await addMemory('The user lives in Porto.', manual);
    const none: EmbedFn = () => Promise.resolve(null);
    expect((await recall('weather in Porto', 5, none)).map((m) => m.id)).toEqual([porto.id]);
    const errors: unknown[] = [];
    const broken: EmbedFn = () => Promise.reject(new Error('worker crashed'));
    const found = await recall('weather in Porto', 5, broken, (e) => errors.push(e));
    expect(found.map((m) => m.id)).toEqual([porto.id]);
    expect(String(errors[0])).toContain('worker crashed');
  });

  it('recalls nothing once a memory is forgotten', async () => {
    const m = await addMemory('The user has a dog.', manual);
    await embedMemories(fakeEmbedder().embed);
    await forgetMemory(m.id);
    expect(await recall('my dog', 5, fakeEmbedder().embed)).toEqual([]);
    expect(await getDb().memoryVectors.count()).toBe(0);
  });
});
