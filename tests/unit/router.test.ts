import { describe, expect, it } from 'vitest';
import { classifyTask, pickModel } from '../../src/lib/llm/router';
import type { InstalledModel, Task } from '../../src/lib/llm/types';

function model(key: string, name: string, options: Partial<InstalledModel> = {}): InstalledModel {
  return {
    key,
    name,
    spec: { engine: 'transformers', repo: key, dtype: 'q4', device: 'wasm', contextWindow: 2048 },
    source: 'hub',
    sizeBytes: 1,
    installedAt: 1,
    complete: true,
    ...options,
  };
}

const noRouting: Record<Task, string | null> = {
  chat: null,
  code: null,
  writing: null,
  reasoning: null,
};

describe('classifyTask', () => {
  const cases: [string, Task, RegExp][] = [
    ['Why does this fail?\n```js\nconst a = 1\n```', 'code', /code block/],
    ['Traceback (most recent call last):\n  File "a.py", line 1', 'code', /stack trace/],
    ['TypeError: x is not a function\n    at main (app.js:10:5)', 'code', /stack trace/],
    ['what does def parse(text): do', 'code', /program code/],
    ['Can you look at utils.rs for me', 'code', /\.rs/],
    ['How do I reverse a list in Python?', 'code', /Python/],
    ['Hello there, write some code?', 'code', /“code”/],
    ['Help me debug this', 'code', /debug/],
    ['Write an email to my landlord about the heating', 'writing', /writing/],
    ['Please rewrite this paragraph so it sounds friendlier', 'writing', /rewrite/],
    ['Write a poem about autumn', 'writing', /write/],
    ['Why is the sky blue?', 'reasoning', /why/],
    ['Explain step by step how to get from A to B', 'reasoning', /step by step/],
    ['Compare renting and buying for me', 'reasoning', /compare/],
    ['what is 17 * 23', 'reasoning', /arithmetic/],
    ['Who? What? Where exactly?', 'reasoning', /multi-part/],
    ['Hi there!', 'chat', /everyday/],
    ['Good morning, how are you', 'chat', /everyday/],
  ];
  for (const [text, task, reason] of cases) {
    it(`${JSON.stringify(text.slice(0, 40))} -> ${task}`, () => {
      const choice = classifyTask(text);
      expect(choice.task).toBe(task);
      expect(choice.reason).toMatch(reason);
    });
  }

  it('prefers code over writing when both appear', () => {
    expect(classifyTask('Write a function in TypeScript that sorts').task).toBe('code');
  });
});

describe('pickModel', () => {
  const small = model('transformers:small', 'Small', { installedAt: 1 });
  const big = model('webllm:big', 'Big', { installedAt: 2 });
  const partial = model('webllm:partial', 'Partial', { complete: false, installedAt: 3 });

  it('returns null when nothing is installed', () => {
    expect(pickModel('chat', noRouting, [], null)).toBeNull();
    expect(pickModel('chat', noRouting, [partial], null)).toBeNull();
  });

  it('uses the routed model for the task', () => {
    const routing = { ...noRouting, code: big.key };
    expect(pickModel('code', routing, [small, big], null)).toEqual({
      key: big.key,
      reason: 'Big is set for code',
      fallback: false,
    });
  });

  it('falls back, and says so, when the routed model is not complete or not installed', () => {
    const routing = { ...noRouting, code: partial.key, writing: 'webllm:gone' };
    const code = pickModel('code', routing, [small, partial], null);
    expect(code).toMatchObject({ key: small.key, fallback: true });
    expect(code?.reason).toBe(
      'Partial is set for code but is not fully downloaded, so Small answered instead',
    );
    const writing = pickModel('writing', routing, [small], null);
    expect(writing?.reason).toBe(
      'gone is set for writing but is not on this device, so Small answered instead',
    );
  });

  it('prefers the quick-chat model, then the newest install, when a task has no model', () => {
    expect(pickModel('reasoning', noRouting, [small, big], null)?.key).toBe(big.key);
    const routing = { ...noRouting, chat: small.key };
    expect(pickModel('reasoning', routing, [small, big], null)).toEqual({
      key: small.key,
      reason: 'no model is set for reasoning, so Small answered',
      fallback: false,
    });
  });

  it('follows the per-message override, falling back visibly when it is missing', () => {
    const routing = { ...noRouting, chat: big.key };
    expect(pickModel('chat', routing, [small, big], small.key)).toEqual({
      key: small.key,
      reason: 'you picked Small',
      fallback: false,
    });
    const missing = pickModel('chat', routing, [small, big, partial], partial.key);
    expect(missing).toMatchObject({ key: big.key, fallback: true });
    expect(missing?.reason).toMatch(/you picked Partial, which is not fully downloaded/);
  });
});
