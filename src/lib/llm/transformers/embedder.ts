// A TextEmbedder over transformers.js: the tokenizer and the bare encoder (AutoModel), with
// pooling and normalization done here straight into the caller's buffer. Texts are tokenized once,
// grouped by length (embed-batches.ts) and padded per group, so a long chunk does not make short
// ones pay for its padding. Loads through the same cache and guarded fetch as the chat models: in
// a worker, call configureTransformers() first and pass runtime.ts' withNetwork as `network`.
import {
  AutoModel,
  AutoTokenizer,
  Tensor,
  type PreTrainedModel,
  type PreTrainedTokenizer,
} from '@huggingface/transformers';
import { ModelUnsupportedError } from '../../errors';
import type { EmbedInput, TextEmbedder } from '../../search/embedding-types';
import { modelKey, type EmbeddingSpec, type LoadProgress, type TransformersSpec } from '../types';
import type { NetworkScope } from './activity';
import { planBatches } from './embed-batches';
import { poolInto } from './embed-pool';
import { LoadProgressReporter } from './load-progress';

export interface EmbedderDeps {
  /** Allows and records the load's requests (runtime.ts withNetwork; noNetwork in Node tests). */
  network: NetworkScope;
  onProgress?: (progress: LoadProgress) => void;
  signal?: AbortSignal;
  /** onnxruntime-node (Node tests) runs on 'cpu', not 'wasm'. */
  deviceOverride?: 'cpu';
  /** The WASM threads the runtime settled on, asked once the model loaded (runtime.ts wasmThreads). */
  threads?: () => number | null;
}

interface Encoded {
  ids: number[];
}

class TransformersEmbedder implements TextEmbedder {
  readonly modelId: string;
  readonly dimensions: number;
  readonly maxTokens: number;
  readonly device: 'wasm' | 'webgpu';
  readonly threads: number | null;
  #embedding: EmbeddingSpec;
  #tokenizer: PreTrainedTokenizer;
  #model: PreTrainedModel;

  constructor(
    spec: TransformersSpec,
    embedding: EmbeddingSpec,
    tokenizer: PreTrainedTokenizer,
    model: PreTrainedModel,
    threads: number | null,
  ) {
    this.modelId = modelKey(spec);
    this.dimensions = embedding.dimensions;
    this.maxTokens = embedding.maxTokens;
    this.device = spec.device;
    this.threads = threads;
    this.#embedding = embedding;
    this.#tokenizer = tokenizer;
    this.#model = model;
  }

  countTokens(text: string): number {
    return this.#tokenizer.encode(text, { add_special_tokens: false }).length;
  }

  async embed(texts: string[], input: EmbedInput): Promise<Float32Array> {
    const out = new Float32Array(texts.length * this.dimensions);
    const prefix = input === 'query' ? this.#embedding.queryPrefix : this.#embedding.passagePrefix;
    const encoded = texts.map((text) => this.#encode(prefix + text));
    for (const group of planBatches(encoded.map((e) => e.ids.length)))
      await this.#runGroup(group, encoded, out);
    return out;
  }

  /** Token ids with the model's special tokens, cut to maxTokens the way the tokenizer cuts. */
  #encode(text: string): Encoded {
    const ids = this.#tokenizer.encode(text);
    if (ids.length <= this.maxTokens) return { ids };
    const cut = this.#tokenizer(text, {
      truncation: true,
      max_length: this.maxTokens,
      return_tensor: false,
    }) as { input_ids: number[] };
    return { ids: cut.input_ids };
  }

  async #runGroup(group: number[], encoded: Encoded[], out: Float32Array): Promise<void> {
    const sequence = Math.max(...group.map((i) => encoded[i]?.ids.length ?? 0));
    const ids = new BigInt64Array(group.length * sequence);
    const mask = new BigInt64Array(group.length * sequence);
    const padId = BigInt(this.#tokenizer.pad_token_id ?? 0);
    group.forEach((index, row) => {
      const tokens = encoded[index]?.ids ?? [];
      for (let t = 0; t < sequence; t++) {
        const token = tokens[t];
        ids[row * sequence + t] = token === undefined ? padId : BigInt(token);
        mask[row * sequence + t] = token === undefined ? 0n : 1n;
      }
    });
    const dims = [group.length, sequence];
    const outputs = (await this.#model({
      input_ids: new Tensor('int64', ids, dims),
      attention_mask: new Tensor('int64', mask, dims),
    })) as { last_hidden_state?: Tensor };
    const hidden = outputs.last_hidden_state;
    if (!hidden)
      throw new ModelUnsupportedError(
        `${this.modelId} returned no last_hidden_state: it is not a feature-extraction model.`,
      );
    try {
      const [batch = 0, seq = 0, size = 0] = hidden.dims;
      if (size !== this.dimensions)
        throw new ModelUnsupportedError(
          `${this.modelId} returns ${size}-dimensional states, but its spec says ${this.dimensions}.`,
        );
      const state = { data: hidden.data as Float32Array, batch, sequence: seq, hidden: size };
      group.forEach((index, row) =>
        poolInto(state, mask, row, this.#embedding.pooling, out, index * this.dimensions),
      );
    } finally {
      hidden.dispose();
    }
  }

  async dispose(): Promise<void> {
    await this.#model.dispose();
  }
}

/** Loads `spec`'s tokenizer and encoder (fetching missing files, charged to a 'load' activity). */
export async function loadEmbedder(
  spec: TransformersSpec,
  deps: EmbedderDeps,
): Promise<TextEmbedder> {
  const embedding = spec.embedding;
  if (!embedding)
    throw new ModelUnsupportedError(`${modelKey(spec)} is a chat model, not an embedding model.`);
  const signal = deps.signal ?? new AbortController().signal;
  signal.throwIfAborted();
  const reporter = new LoadProgressReporter(deps.onProgress ?? (() => {}));
  // A pinned model loads its own commit's files (cache keys `resolve/<commit>/`).
  const options = { progress_callback: reporter.callback, revision: spec.revision ?? 'main' };
  const activity = {
    repo: spec.repo,
    modelKey: modelKey(spec),
    reason: 'load' as const,
    revision: spec.revision,
    signal,
    onBytes: () => reporter.networkBytes(),
  };
  const { tokenizer, model } = await deps.network(activity, async () => {
    const tokenizer = await AutoTokenizer.from_pretrained(spec.repo, options);
    signal.throwIfAborted();
    const model = await AutoModel.from_pretrained(spec.repo, {
      ...options,
      dtype: spec.dtype as 'fp32',
      device: deps.deviceOverride ?? spec.device,
    });
    return { tokenizer, model };
  });
  if (signal.aborted) {
    await model.dispose();
    signal.throwIfAborted();
  }
  reporter.ready();
  // WASM threads say nothing about a model computing on the GPU.
  const threads = spec.device === 'wasm' ? (deps.threads?.() ?? null) : null;
  return new TransformersEmbedder(spec, embedding, tokenizer, model, threads);
}
