// The tiny Llama fixture is generated at test time and must load through the real transformers.js
// path (local files only, onnxruntime-node) with a working KV cache and token-by-token streaming.
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// Tests drive the engine directly; the app itself reaches transformers.js through src/lib/llm/.
// eslint-disable-next-line no-restricted-imports
import {
  AutoModelForCausalLM,
  AutoTokenizer,
  Tensor,
  TextStreamer,
  env,
  pipeline,
  type PreTrainedModel,
  type PreTrainedTokenizer,
} from '@huggingface/transformers';
import { EOS_ID, generateTinyLlama } from '../fixtures/tiny-llama';

const MODEL_NAME = 'tiny-llama';
const MAX_NEW_TOKENS = 16;

const messages = [
  { role: 'system', content: 'You are a helpful assistant.' },
  { role: 'user', content: 'Write a short note about the hearth, please!' },
];

let root = '';
let tokenizer: PreTrainedTokenizer;
let model: PreTrainedModel;

async function sha256(path: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(path))
    .digest('hex');
}

interface Run {
  promptLength: number;
  newIds: number[];
  tokenCallbacks: number[];
  textChunks: string[];
}

function chatInputs(): { input_ids: Tensor; attention_mask: Tensor } {
  const prompt = tokenizer.apply_chat_template(messages, {
    tokenize: false,
    add_generation_prompt: true,
  });
  if (typeof prompt !== 'string') throw new Error('chat template did not render a string');
  return tokenizer(prompt, { add_special_tokens: false });
}

function promptIds(): number[] {
  return Array.from(chatInputs().input_ids.data as BigInt64Array, Number);
}

async function generate(maxNewTokens: number): Promise<Run> {
  const inputs = chatInputs();
  const promptLength = inputs.input_ids.dims[1] ?? 0;
  const tokenCallbacks: number[] = [];
  const textChunks: string[] = [];
  const streamer = new TextStreamer(tokenizer, {
    skip_prompt: true,
    token_callback_function: (tokens: bigint[]) => tokenCallbacks.push(tokens.length),
    callback_function: (text: string) => textChunks.push(text),
  });
  const output = await model.generate({
    ...inputs,
    max_new_tokens: maxNewTokens,
    do_sample: false,
    streamer,
  });
  if (!(output instanceof Tensor)) throw new Error('generate() did not return a tensor');
  const ids = Array.from(output.data as BigInt64Array, Number);
  return { promptLength, newIds: ids.slice(promptLength), tokenCallbacks, textChunks };
}

describe('tiny Llama fixture', () => {
  let generateMs = 0;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'hearth-tiny-llama-'));
    const started = performance.now();
    await generateTinyLlama(join(root, MODEL_NAME));
    generateMs = performance.now() - started;
    env.allowRemoteModels = false;
    env.allowLocalModels = true;
    env.localModelPath = root;
    tokenizer = await AutoTokenizer.from_pretrained(MODEL_NAME);
    model = await AutoModelForCausalLM.from_pretrained(MODEL_NAME, {
      dtype: 'fp32',
      device: 'cpu',
    });
  });

  afterAll(async () => {
    await model?.dispose();
    await rm(root, { recursive: true, force: true });
  });

  it('is byte-for-byte deterministic and small', async () => {
    const second = await generateTinyLlama(join(root, 'again'));
    const onnxPath = (dir: string) => join(dir, 'onnx', 'model.onnx');
    expect(await sha256(onnxPath(second.dir))).toBe(await sha256(onnxPath(join(root, MODEL_NAME))));
    expect(await readFile(join(second.dir, 'tokenizer.json'), 'utf8')).toBe(
      await readFile(join(root, MODEL_NAME, 'tokenizer.json'), 'utf8'),
    );
    expect(second.sizeBytes).toBeLessThan(1024 * 1024);
    expect(generateMs).toBeLessThan(5000);
  });

  it('tokenizes any ASCII text and renders the chat template', () => {
    const text = 'Hello, World! 123 ~`{}|\\';
    const ids = tokenizer.encode(text, { add_special_tokens: false });
    expect(tokenizer.decode(ids)).toBe(text);
    const prompt = tokenizer.apply_chat_template(messages, {
      tokenize: false,
      add_generation_prompt: true,
    });
    expect(prompt).toBe(
      '<s><|system|>\nYou are a helpful assistant.<|end|>\n' +
        '<|user|>\nWrite a short note about the hearth, please!<|end|>\n<|assistant|>\n',
    );
  });

  it('streams greedy tokens one at a time, deterministically', async () => {
    const first = await generate(MAX_NEW_TOKENS);
    const second = await generate(MAX_NEW_TOKENS);
    expect(second.newIds).toEqual(first.newIds);
    expect(second.textChunks.join('')).toBe(first.textChunks.join(''));

    const stoppedAtEos = first.newIds.includes(EOS_ID);
    if (stoppedAtEos) {
      expect(first.newIds.at(-1)).toBe(EOS_ID);
      expect(first.newIds.length).toBeLessThanOrEqual(MAX_NEW_TOKENS);
    } else {
      expect(first.newIds).toHaveLength(MAX_NEW_TOKENS);
    }
    // One streamer call per generated token, each carrying exactly one token.
    expect(first.tokenCallbacks).toEqual(first.newIds.map(() => 1));
    expect(first.tokenCallbacks.length).toBeGreaterThanOrEqual(2);
    expect(first.textChunks.length).toBeGreaterThanOrEqual(2);
    expect(first.textChunks.join('')).toBe(
      tokenizer.decode(first.newIds, { skip_special_tokens: true }),
    );
  });

  it('matches a full recompute without the KV cache (causal mask and cache agree)', async () => {
    const run = await generate(MAX_NEW_TOKENS);
    const ids = [...promptIds(), ...run.newIds];
    const length = ids.length;
    const inputIds = new Tensor('int64', BigInt64Array.from(ids, BigInt), [1, length]);
    const mask = new Tensor('int64', new BigInt64Array(length).fill(1n), [1, length]);
    const { logits } = (await model({ input_ids: inputIds, attention_mask: mask })) as {
      logits: Tensor;
    };
    const vocab = logits.dims[2] ?? 0;
    const data = logits.data as Float32Array;
    const argmaxAt = (pos: number) => {
      let best = 0;
      for (let v = 1; v < vocab; v++) {
        if ((data[pos * vocab + v] ?? -Infinity) > (data[pos * vocab + best] ?? -Infinity))
          best = v;
      }
      return best;
    };
    const recomputed = run.newIds.map((_, i) => argmaxAt(run.promptLength - 1 + i));
    expect(recomputed).toEqual(run.newIds);
  });

  it('yields exactly N new tokens for several N (unless EOS)', async () => {
    const full = await generate(MAX_NEW_TOKENS);
    for (const n of [1, 2, 5]) {
      const run = await generate(n);
      const expected = full.newIds.slice(0, n);
      const eosAt = expected.indexOf(EOS_ID);
      expect(run.newIds).toEqual(eosAt === -1 ? expected : expected.slice(0, eosAt + 1));
    }
  });

  it('answers a chat through pipeline("text-generation")', async () => {
    const generator = await pipeline('text-generation', MODEL_NAME, {
      dtype: 'fp32',
      device: 'cpu',
    });
    try {
      const expected = await generate(MAX_NEW_TOKENS);
      const [result] = (await generator(messages, {
        max_new_tokens: MAX_NEW_TOKENS,
        do_sample: false,
      })) as { generated_text: { role: string; content: string }[] }[];
      const reply = result?.generated_text.at(-1);
      expect(reply?.role).toBe('assistant');
      expect(reply?.content).toBe(tokenizer.decode(expected.newIds, { skip_special_tokens: true }));
    } finally {
      await generator.dispose();
    }
  });
});
