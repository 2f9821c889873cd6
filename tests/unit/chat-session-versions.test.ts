// Stop, then Regenerate at once, against the chat session itself. The stopped run's engine call
// returns later (a prefill pass cannot be cut short, and the worker runs one call at a time), and
// its final write is for the same message: it must land on its own version, never end or overwrite
// the regenerated one, and the session must stay busy until the new answer is done.
import { beforeEach, expect, it } from 'vitest';
import { getDb } from '../../src/lib/db/db';
import { ChatSession, type ModelsApi } from '../../src/lib/state/chat.svelte';
import type { LlmEngine } from '../../src/lib/llm/types';
import { tinyChatModel } from '../fixtures/installed-models';

const tiny = tinyChatModel;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One engine whose calls run one after another, like the worker; each call follows a script. */
function serialEngine(
  scripts: ((onDelta: (t: string) => void, signal?: AbortSignal) => Promise<void>)[],
) {
  let queue: Promise<unknown> = Promise.resolve();
  let call = 0;
  const engine: LlmEngine = {
    kind: 'transformers',
    load: () => Promise.resolve({ threads: null }),
    unload: () => Promise.resolve(),
    chat(_request, onDelta, signal) {
      const script = scripts[call++]!;
      const run = queue.then(async () => {
        await script(onDelta, signal);
        return {
          promptTokens: 1,
          completionTokens: 1,
          firstTokenMs: 1,
          prefillTokensPerS: 1,
          decodeTokensPerS: 1,
          totalMs: 1,
          finishReason: signal?.aborted ? ('abort' as const) : ('stop' as const),
        };
      });
      queue = run.catch(() => undefined);
      return run;
    },
  };
  return engine;
}

function modelsWith(engine: LlmEngine): ModelsApi {
  return {
    installed: [tiny],
    loadedKey: tiny.key,
    loading: null,
    ensureLoaded: () => Promise.resolve(engine),
    readyEngine: () => engine,
  };
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (check()) return;
    await sleep(10);
  }
  throw new Error(`timed out waiting for ${what}`);
}

beforeEach(async () => {
  await Promise.all([getDb().conversations.clear(), getDb().messages.clear()]);
});

it('a stopped answer returning late lands on its own version, not on the regenerated one', async () => {
  let releaseFirst = () => {};
  const firstHeld = new Promise<void>((resolve) => (releaseFirst = resolve));
  const engine = serialEngine([
    // The first answer: a few words, then a long prefill-like wait that Stop cannot cut short.
    async (onDelta) => {
      onDelta('old answer');
      await firstHeld;
    },
    // The regenerated answer streams once the first call has returned.
    async (onDelta, signal) => {
      for (let i = 0; i < 12; i++) {
        await sleep(5);
        if (signal?.aborted) return;
        onDelta(`new${i} `);
      }
    },
  ]);
  const session = new ChatSession(modelsWith(engine));
  session.send('Hi');
  await until(() => session.streaming?.text === 'old answer', 'the first words');
  session.stop();
  const answer = session.messages.find((m) => m.role === 'assistant')!;
  expect(answer).toMatchObject({ content: 'old answer', status: 'stopped' });

  const regenerating = session.regenerate(answer.id);
  await until(() => session.busy, 'the regenerated answer to start');
  // The stopped call returns now, while the new version waits for the engine.
  releaseFirst();
  await regenerating;
  await sleep(30);
  expect(session.busy).toBe(true);
  await until(() => !session.busy, 'the regenerated answer to finish');

  const expected = Array.from({ length: 12 }, (_, i) => `new${i} `).join('');
  const shown = session.messages.find((m) => m.id === answer.id)!;
  expect(shown).toMatchObject({ content: expected, status: 'done', versionIndex: 1 });
  const stored = (await getDb().messages.get(answer.id))!;
  expect(stored).toMatchObject({ content: expected, status: 'done', versionIndex: 1 });
  // The shown version lives in the top-level fields; the set-aside one keeps what Stop kept.
  expect(stored.versions).toHaveLength(2);
  expect(stored.versions?.[0]).toMatchObject({ content: 'old answer', status: 'stopped' });
});
