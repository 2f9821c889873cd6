// The transformers.js engine: ONNX chat models on WASM (any CPU) or WebGPU, one model at a time.
//
// What an abort can interrupt: during load, a file transfer mid-stream (the request carries the
// signal) and the gap between the tokenizer, the model files and session creation; it cannot
// interrupt ONNX session creation itself (the model is disposed as soon as that returns). During
// chat it stops before the next token; the prompt's prefill pass runs to its end.
import {
  AutoModelForCausalLM,
  AutoTokenizer,
  StoppingCriteria,
  StoppingCriteriaList,
  type PreTrainedModel,
  type PreTrainedTokenizer,
  type Tensor,
  type TextStreamer,
} from '@huggingface/transformers';
import { HearthError, ModelUnsupportedError } from '../../errors';
import {
  modelKey,
  type ChatRequest,
  type GenerationStats,
  type LlmEngine,
  type LoadProgress,
  type LoadReport,
  type ModelSpec,
} from '../types';
import { noNetwork, type NetworkScope } from './activity';
import { LoadProgressReporter } from './load-progress';
import { TokenStreamer } from './token-streamer';

const DEFAULT_MAX_TOKENS = 512;

/** Tells generate() to stop once the signal fires; checked after every new token. */
class AbortCriteria extends StoppingCriteria {
  #signal: AbortSignal | undefined;

  constructor(signal: AbortSignal | undefined) {
    super();
    this.#signal = signal;
  }

  override _call(inputIds: number[][]): boolean[] {
    return inputIds.map(() => this.#signal?.aborted ?? false);
  }
}

export interface TransformersEngineOptions {
  /** Wraps each load so its requests are allowed and recorded (the worker's runtime). */
  network?: NetworkScope;
  /** onnxruntime-node (Node tests) runs on 'cpu', not 'wasm'. */
  deviceOverride?: 'cpu';
  /**
   * Awaited before every forward pass. generate() otherwise chains only microtasks, so a worker
   * would not see the abort message until the whole answer is done.
   */
  yieldToEvents?: () => Promise<void>;
  /** The WASM threads the runtime settled on, asked once a model loaded (runtime.ts wasmThreads). */
  threads?: () => number | null;
}

interface Loaded {
  key: string;
  contextWindow: number | null;
  model: PreTrainedModel;
  tokenizer: PreTrainedTokenizer;
}

export class TransformersEngine implements LlmEngine {
  readonly kind = 'transformers' as const;
  #loaded: Loaded | null = null;
  #loadSeq = 0;
  #options: TransformersEngineOptions;

  constructor(options: TransformersEngineOptions = {}) {
    this.#options = options;
  }

  async load(
    spec: ModelSpec,
    onProgress: (progress: LoadProgress) => void,
    signal?: AbortSignal,
  ): Promise<LoadReport> {
    if (spec.engine !== 'transformers')
      throw new ModelUnsupportedError(`The CPU engine cannot run ${modelKey(spec)}.`);
    signal?.throwIfAborted();
    const seq = ++this.#loadSeq;
    await this.unload();
    const reporter = new LoadProgressReporter(onProgress);
    const aborted = signal ?? new AbortController().signal;
    const network = this.#options.network ?? noNetwork;
    // A pinned model loads its own commit's files (cache keys `resolve/<commit>/`).
    const options = { progress_callback: reporter.callback, revision: spec.revision ?? 'main' };
    const loaded = await network(
      {
        repo: spec.repo,
        modelKey: modelKey(spec),
        reason: 'load',
        revision: spec.revision,
        signal: aborted,
        onBytes: () => reporter.networkBytes(),
      },
      async () => {
        const tokenizer = await AutoTokenizer.from_pretrained(spec.repo, options);
        aborted.throwIfAborted();
        const model = await AutoModelForCausalLM.from_pretrained(spec.repo, {
          ...options,
          dtype: spec.dtype as 'fp32',
          device: this.#options.deviceOverride ?? spec.device,
        });
        return { key: modelKey(spec), contextWindow: spec.contextWindow, model, tokenizer };
      },
    );
    // A later load (or an abort during session creation) wins: this model is not wanted.
    if (aborted.aborted || seq !== this.#loadSeq) {
      await loaded.model.dispose();
      aborted.throwIfAborted();
      throw new DOMException('Replaced by a newer load.', 'AbortError');
    }
    this.#yieldBeforeForward(loaded.model);
    this.#loaded = loaded;
    reporter.ready();
    // WASM threads say nothing about a model computing on the GPU.
    return { threads: spec.device === 'wasm' ? (this.#options.threads?.() ?? null) : null };
  }

  async chat(
    request: ChatRequest,
    onDelta: (text: string) => void,
    signal?: AbortSignal,
  ): Promise<GenerationStats> {
    const loaded = this.#loaded;
    if (!loaded) throw new HearthError('No model is loaded. Pick a model, then send again.');
    signal?.throwIfAborted();
    const { model, tokenizer } = loaded;
    const startedMs = performance.now();
    const prompt = tokenizer.apply_chat_template(request.messages, {
      tokenize: false,
      add_generation_prompt: true,
    });
    if (typeof prompt !== 'string')
      throw new HearthError('The model’s chat template did not produce a prompt.');
    const inputs = tokenizer(prompt, { add_special_tokens: false }) as {
      input_ids: Tensor;
      attention_mask: Tensor;
    };
    const promptTokens = inputs.input_ids.dims.at(-1) ?? 0;
    // The answer also stops where the model's context window ends.
    const roomTokens = (loaded.contextWindow ?? Infinity) - promptTokens;
    if (roomTokens < 1)
      throw new HearthError(
        'This conversation no longer fits in the model’s context window. Start a new chat.',
      );
    const maxTokens = Math.min(request.maxTokens ?? DEFAULT_MAX_TOKENS, roomTokens);
    let completionTokens = 0;
    let firstTokenAtMs = 0;
    let lastToken: bigint | undefined;
    const streamer = new TokenStreamer(tokenizer, {
      onTokens: (tokens) => {
        completionTokens += tokens.length;
        if (!firstTokenAtMs) firstTokenAtMs = performance.now();
        lastToken = tokens.at(-1);
      },
      onText: (text) => {
        if (!signal?.aborted) onDelta(text);
      },
    });
    const stoppingCriteria = new StoppingCriteriaList();
    stoppingCriteria.push(new AbortCriteria(signal));
    const sampled = (request.temperature ?? 0) > 0;
    const prefillStartMs = performance.now();
    await model.generate({
      ...inputs,
      max_new_tokens: maxTokens,
      do_sample: sampled,
      ...(sampled ? { temperature: request.temperature } : {}),
      // generate() takes any BaseStreamer at runtime; its typings ask for TextStreamer's fields.
      streamer: streamer as unknown as TextStreamer,
      stopping_criteria: stoppingCriteria,
    });
    const endMs = performance.now();
    const finishReason = signal?.aborted
      ? 'abort'
      : completionTokens >= maxTokens && !this.#isEos(model, lastToken)
        ? 'length'
        : 'stop';
    const firstMs = firstTokenAtMs || endMs;
    const decodeSeconds = (endMs - firstMs) / 1000;
    return {
      promptTokens,
      completionTokens,
      firstTokenMs: firstMs - startedMs,
      prefillTokensPerS: promptTokens / Math.max((firstMs - prefillStartMs) / 1000, 1e-6),
      decodeTokensPerS:
        completionTokens > 1 && decodeSeconds > 0 ? (completionTokens - 1) / decodeSeconds : 0,
      totalMs: endMs - startedMs,
      finishReason,
    };
  }

  #yieldBeforeForward(model: PreTrainedModel): void {
    const yieldToEvents = this.#options.yieldToEvents;
    if (!yieldToEvents) return;
    const forward = model.forward.bind(model);
    model.forward = async (inputs: object): Promise<unknown> => {
      await yieldToEvents();
      return (await forward(inputs)) as unknown;
    };
  }

  #isEos(model: PreTrainedModel, token: bigint | undefined): boolean {
    if (token === undefined) return false;
    const eos = model.generation_config?.eos_token_id ?? null;
    const ids = Array.isArray(eos) ? eos : eos === null ? [] : [eos];
    return ids.some((id) => BigInt(id) === token);
  }

  async unload(): Promise<void> {
    const loaded = this.#loaded;
    this.#loaded = null;
    await loaded?.model.dispose();
  }
}
