// The WebLLM engine (WebGPU). We run web-llm's MLCEngine inside our own worker behind Hearth's typed
// engine protocol (engine-server.ts) instead of web-llm's WebWorkerMLCEngineHandler: the main thread
// never loads the 6 MB web-llm chunk, and both engines share one client (engine-client.ts).
import { MLCEngine, type ChatCompletionChunk, type InitProgressReport } from '@mlc-ai/web-llm';
import { HearthError, ModelUnsupportedError } from '../../errors';
import { requestGpuAdapter } from '../probe';
import type {
  ChatRequest,
  GenerationStats,
  LlmEngine,
  LoadProgress,
  LoadReport,
  ModelSpec,
  WebLlmSpec,
} from '../types';
import { modelKey } from '../types';
import { appConfigFor } from './app-config';
import type { FetchGuard } from './fetch-guard';
import { f32Sibling } from './catalog';

const MIB = 1024 * 1024;

function abortError(): DOMException {
  return new DOMException('Stopped.', 'AbortError');
}

function asWebLlm(spec: ModelSpec): WebLlmSpec {
  if (spec.engine !== 'webllm')
    throw new HearthError(`The WebGPU engine cannot run ${modelKey(spec)}.`);
  return spec;
}

/** Refuses before any download when the device cannot run the model at all. */
async function assertDeviceCanRun(spec: WebLlmSpec): Promise<void> {
  const adapter = await requestGpuAdapter();
  if (!adapter)
    throw new ModelUnsupportedError(
      'This browser or device has no WebGPU, which WebLLM models need. Use a transformers.js (CPU) model instead, or a browser with WebGPU enabled.',
    );
  if (spec.requiresF16 && !adapter.features.has('shader-f16')) throw f16Unsupported(spec);
}

function f16Unsupported(spec: WebLlmSpec): ModelUnsupportedError {
  const sibling = f32Sibling(spec.modelId);
  const hint = sibling ? ` Use ${sibling} instead.` : ' Pick a q4f32 model instead.';
  return new ModelUnsupportedError(
    `${spec.modelId} needs 16-bit shaders (shader-f16), which this GPU does not offer.${hint}`,
  );
}

/** Turns web-llm's errors into Hearth's named ones; ours pass through. */
function translate(error: unknown, spec: WebLlmSpec): Error {
  if (error instanceof HearthError) return error;
  const name = (error as { name?: string } | null)?.name;
  const message = error instanceof Error ? error.message : String(error);
  if (name === 'ShaderF16SupportError') return f16Unsupported(spec);
  if (name === 'WebGPUNotAvailableError' || name === 'WebGPUNotFoundError')
    return new ModelUnsupportedError(`WebGPU is not available here: ${message}`, { cause: error });
  if (name === 'DeviceLostError')
    return new ModelUnsupportedError(
      `The GPU gave up while loading ${spec.modelId}, most likely out of memory. Try a smaller model.`,
      { cause: error },
    );
  // web-llm's own failures (a broken library, a malformed config) are plain Errors or TypeErrors.
  return new HearthError(`Couldn't load ${spec.modelId}: ${message}`, { cause: error });
}

export function toLoadProgress(report: InitProgressReport): LoadProgress {
  const fetching = report.text.startsWith('Fetching');
  const mb = /(\d+)MB (?:fetched|loaded)/.exec(report.text);
  return {
    phase: fetching ? 'download' : 'load',
    fraction: Math.min(1, Math.max(0, report.progress)),
    loadedBytes: mb ? Number(mb[1]) * MIB : null,
    totalBytes: null,
    text: report.text,
  };
}

export class WebLlmEngine implements LlmEngine {
  readonly kind = 'webllm' as const;
  #guard: FetchGuard;
  #engine: MLCEngine | null = null;
  #loaded: WebLlmSpec | null = null;

  constructor(guard: FetchGuard) {
    this.#guard = guard;
  }

  async load(
    input: ModelSpec,
    onProgress: (progress: LoadProgress) => void,
    signal?: AbortSignal,
  ): Promise<LoadReport> {
    const spec = asWebLlm(input);
    signal?.throwIfAborted();
    await assertDeviceCanRun(spec);
    const engine = (this.#engine ??= new MLCEngine({ logLevel: 'WARN' }));
    engine.setAppConfig(appConfigFor(spec));
    engine.setInitProgressCallback((report) => {
      if (!signal?.aborted) onProgress(toLoadProgress(report));
    });
    this.#loaded = null;
    // unload() aborts web-llm's own reload controller, which stops its downloads.
    const onAbort = () => void engine.unload();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      // A load has no hosts: a file missing from web-llm's caches fails as missing, never
      // downloads (only a download the user starts from Models may).
      await this.#guard.withPurpose({ modelKey: modelKey(spec), reason: 'load', sources: [] }, () =>
        engine.reload(spec.modelId),
      );
    } catch (error) {
      if (signal?.aborted) throw abortError();
      throw translate(error, spec);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
    // reload() resolves quietly when aborted.
    if (signal?.aborted) throw abortError();
    this.#loaded = spec;
    // web-llm computes on the GPU: no processor threads to report.
    return { threads: null };
  }

  async chat(
    request: ChatRequest,
    onDelta: (text: string) => void,
    signal?: AbortSignal,
  ): Promise<GenerationStats> {
    const engine = this.#engine;
    if (!engine || !this.#loaded) throw new HearthError('No WebGPU model is loaded.');
    signal?.throwIfAborted();
    const startedAt = performance.now();
    let firstTokenAt: number | null = null;
    let stopped = false;
    const onAbort = () => {
      stopped = true;
      void engine.interruptGenerate();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const stream = await engine.chat.completions.create({
        messages: request.messages,
        stream: true,
        stream_options: { include_usage: true },
        max_tokens: request.maxTokens ?? null,
        temperature: request.temperature ?? null,
      });
      let finish: GenerationStats['finishReason'] = 'stop';
      let usage: ChatCompletionChunk['usage'];
      // Drained to the end even after Stop: interruptGenerate ends it at the next token and the
      // engine releases its lock only then. Nothing is forwarded once stopped.
      for await (const chunk of stream) {
        // web-llm clears the interrupt flag when a generation starts, so a Stop during prefill is
        // raised again here.
        if (stopped) void engine.interruptGenerate();
        const choice = chunk.choices[0];
        const text = choice?.delta.content;
        if (text && !stopped) {
          firstTokenAt ??= performance.now();
          onDelta(text);
        }
        if (choice?.finish_reason === 'length') finish = 'length';
        if (chunk.usage) usage = chunk.usage;
      }
      return {
        promptTokens: usage?.prompt_tokens ?? 0,
        completionTokens: usage?.completion_tokens ?? 0,
        firstTokenMs: (firstTokenAt ?? performance.now()) - startedAt,
        prefillTokensPerS: usage?.extra.prefill_tokens_per_s ?? 0,
        decodeTokensPerS: usage?.extra.decode_tokens_per_s ?? 0,
        totalMs: performance.now() - startedAt,
        finishReason: stopped ? 'abort' : finish,
      };
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  async unload(): Promise<void> {
    this.#loaded = null;
    await this.#engine?.unload();
  }
}
