// Chat models transformers.js runs on any CPU (WASM). Sizes are the hub's listed ONNX file sizes
// plus tokenizer files, rounded: approximate, so `downloadBytesExact` is false; the store measures
// the real total before downloading. Each dtype was picked because its file exists in the repo and
// is the smallest that runs well on WASM (SmolLM2 repos ship no q8 file).
import { modelKey, type CatalogEntry, type Task, type TransformersSpec } from '../types.ts';

const MB = 1024 * 1024;

/** The hub, and the hosts it redirects large (LFS / Xet) files to. */
export const HUB_HOSTS = ['huggingface.co', 'cas-bridge.xethub.hf.co', 'cdn-lfs.hf.co'];

interface Entry {
  name: string;
  repo: string;
  dtype: string;
  downloadMB: number;
  contextWindow: number;
  strengths: Task[];
}

const ENTRIES: Entry[] = [
  {
    name: 'SmolLM2 135M Instruct',
    repo: 'HuggingFaceTB/SmolLM2-135M-Instruct',
    dtype: 'q4',
    downloadMB: 205,
    contextWindow: 8192,
    strengths: ['chat'],
  },
  {
    name: 'SmolLM2 360M Instruct',
    repo: 'HuggingFaceTB/SmolLM2-360M-Instruct',
    dtype: 'q4',
    downloadMB: 400,
    contextWindow: 8192,
    strengths: ['chat', 'writing'],
  },
  {
    name: 'Qwen2.5 0.5B Instruct',
    repo: 'onnx-community/Qwen2.5-0.5B-Instruct',
    dtype: 'q8',
    downloadMB: 525,
    contextWindow: 32768,
    strengths: ['chat', 'code'],
  },
  {
    name: 'Llama 3.2 1B Instruct',
    repo: 'onnx-community/Llama-3.2-1B-Instruct',
    dtype: 'q8',
    downloadMB: 1280,
    contextWindow: 131072,
    strengths: ['chat', 'writing', 'reasoning'],
  },
];

export function transformersCatalog(): CatalogEntry[] {
  return ENTRIES.map((entry) => {
    const spec: TransformersSpec = {
      engine: 'transformers',
      repo: entry.repo,
      dtype: entry.dtype,
      device: 'wasm',
      contextWindow: entry.contextWindow,
    };
    return {
      key: modelKey(spec),
      name: entry.name,
      spec,
      downloadBytes: entry.downloadMB * MB,
      downloadBytesExact: false,
      vramMB: null,
      contextWindow: entry.contextWindow,
      requiresF16: false,
      f32Alternative: null,
      hosts: HUB_HOSTS,
      strengths: entry.strengths,
    };
  });
}
