// One answer end to end against a scripted engine: routing, streaming, stop, errors, and what is
// saved. The streamed text reaches the screen through a frame timer (setTimeout in Node).
import { beforeEach, describe, expect, it } from 'vitest';
import {
  createConversation,
  listMessages,
  appendMessage,
  buildMessage,
} from '../../src/lib/db/conversations-repo';
import { getDb } from '../../src/lib/db/db';
import type { MessageRecord } from '../../src/lib/db/chat-records';
import { runAnswer, type AnswerJob } from '../../src/lib/state/chat-answer';
import type { AnswerStream } from '../../src/lib/state/answer-stream';
import { buildPrompt } from '../../src/lib/llm/chat-prompt';
import type { ChatRequest, InstalledModel, LlmEngine } from '../../src/lib/llm/types';
import { tinyChatModel } from '../fixtures/installed-models';

const tiny = tinyChatModel;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends `pieces` one every `gapMs`, honouring the abort signal like the real engines. */
function scriptedEngine(pieces: string[], gapMs = 5, failWith?: Error) {
  const requests: ChatRequest[] = [];
  const engine: LlmEngine = {
    kind: 'transformers',
    load: () => Promise.resolve({ threads: null }),
    unload: () => Promise.resolve(),
    async chat(request, onDelta, signal) {
      requests.push(request);
      let sent = 0;
      for (const piece of pieces) {
        await sleep(gapMs);
        if (signal?.aborted) break;
        if (failWith && sent === 2) throw failWith;
        onDelta(piece);
        sent++;
      }
      return {
        promptTokens: 3,
        completionTokens: sent,
        firstTokenMs: 1,
        prefillTokensPerS: 1,
        decodeTokensPerS: 42,
        totalMs: 10,
        finishReason: signal?.aborted ? 'abort' : 'stop',
      };
    },
  };
  return { engine, requests };
}

async function job(engine: LlmEngine, installed: InstalledModel[] = [tiny]) {
  const conversation = await createConversation('T', 'Answer in French.');
  const user = await appendMessage({
    conversationId: conversation.id,
    role: 'user',
    content: 'Hi',
  });
  const shown: string[] = [];
  const state: { answer?: AnswerStream; created?: MessageRecord; done?: MessageRecord } = {};
  const spec: AnswerJob = {
    user,
    conversation,
    history: [user],
    models: { installed, ensureLoaded: () => Promise.resolve(engine) },
    settings: {
      persona: 'You are kind.',
      routing: { chat: null, code: null, writing: null, reasoning: null },
      maxAnswerTokens: 300,
    },
    newMessage: (message) => buildMessage(message, user.createdAt),
    onCreated: (message, answer) => Object.assign(state, { created: message, answer }),
    onPhase: () => undefined,
    onText: (text) => shown.push(text),
    onDone: (message) => (state.done = message),
    onError: (error) => {
      throw error;
    },
  };
  return { spec, state, shown, conversation };
}

beforeEach(async () => {
  await Promise.all([getDb().conversations.clear(), getDb().messages.clear()]);
});

describe('runAnswer', () => {
  it('streams, sends persona + system prompt, and saves the finished answer with stats', async () => {
    const { engine, requests } = scriptedEngine(['Bon', 'jour', '!'], 25);
    const { spec, state, shown, conversation } = await job(engine);
    await runAnswer(spec);
    expect(requests[0]?.messages).toEqual([
      { role: 'system', content: 'You are kind.\n\nAnswer in French.' },
      { role: 'user', content: 'Hi' },
    ]);
    expect(requests[0]?.maxTokens).toBe(300);
    expect(shown.length).toBeGreaterThan(0);
    for (const text of shown) expect('Bonjour!'.startsWith(text)).toBe(true);
    expect(state.done).toMatchObject({ content: 'Bonjour!', status: 'done', modelName: 'Tiny' });
    expect(state.done?.routeReason).toMatch(
      /^Quick chat: a short everyday message\. No model is set/,
    );
    const [, saved] = await listMessages(conversation.id);
    expect(saved).toMatchObject({
      content: 'Bonjour!',
      status: 'done',
      stats: { decodeTokensPerS: 42 },
    });
  });

  it('stops at once: the answer is what was shown, and later tokens are dropped', async () => {
    const { engine } = scriptedEngine(
      Array.from({ length: 40 }, (_, i) => `t${i} `),
      8,
    );
    const { spec, state, shown, conversation } = await job(engine);
    const running = runAnswer(spec);
    await sleep(120);
    const onScreen = shown.at(-1) ?? '';
    const kept = state.answer?.stop();
    await sleep(60);
    expect(shown.at(-1) ?? '').toBe(onScreen);
    await running;
    expect(kept).toBe(onScreen);
    expect(state.done).toMatchObject({ status: 'stopped', content: onScreen });
    expect((await listMessages(conversation.id))[1]).toMatchObject({
      status: 'stopped',
      content: onScreen,
    });
  });

  it('records an engine error on the message, keeping the text so far', async () => {
    const { engine } = scriptedEngine(['a', 'b', 'c', 'd'], 20, new Error('GPU device lost'));
    const { spec, state } = await job(engine);
    await runAnswer(spec);
    expect(state.done).toMatchObject({ status: 'error', error: 'GPU device lost' });
  });

  it('explains that a model is needed when none is installed', async () => {
    const { engine } = scriptedEngine(['x']);
    const { spec, state } = await job(engine, []);
    await runAnswer(spec);
    expect(state.done?.status).toBe('error');
    expect(state.done?.error).toMatch(/Download or import one on the Models page/);
  });
});

describe('buildPrompt', () => {
  const turn = (role: 'user' | 'assistant', content: string, status?: MessageRecord['status']) => ({
    role,
    content,
    status,
  });

  it('leaves out failed and empty answers', () => {
    const prompt = buildPrompt(
      [
        turn('user', 'a'),
        turn('assistant', '', 'stopped'),
        turn('assistant', 'oops', 'error'),
        turn('user', 'b'),
      ],
      '',
      null,
    );
    expect(prompt).toEqual(
      [turn('user', 'a'), turn('user', 'b')].map(({ role, content }) => ({ role, content })),
    );
  });

  it('drops the oldest turns to fit the context window, never the last message', () => {
    const long = 'x'.repeat(1500);
    const history = [turn('user', long), turn('assistant', long), turn('user', 'latest')];
    const prompt = buildPrompt(history, 'sys', 1024);
    expect(prompt.map((m) => m.content)).toEqual(['sys', 'latest']);
    expect(buildPrompt([turn('user', 'y'.repeat(9000))], '', 1024)).toHaveLength(1);
  });
});
