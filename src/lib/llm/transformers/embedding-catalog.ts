// Embedding models transformers.js runs for semantic memory, listed in the Models view next to
// the chat models (same store: download, delete, progress). Sizes are the hub's listed ONNX file
// plus tokenizer, rounded (`downloadBytesExact` false; the store measures before downloading).
// q8 is `onnx/model_quantized.onnx` in transformers.js (dtypes.js DEFAULT_DTYPE_SUFFIX_MAPPING).
//
// Default: BGE small English v1.5, int8, on a CPU. It meets the retrieval bar (MTEB retrieval
// nDCG@10 ≈ 52 vs ≈ 42 for all-MiniLM-L6-v2) at 34 MB, and int8 is what makes it bearable on a
// CPU: a 128-token chunk takes 113–138 ms on one WASM thread here (7–8 chunks/s; fp32 4.7/s).
// MiniLM int8 is offered as the fast choice (12–13/s) and multilingual-e5-small for vaults not in
// English. With a real GPU the fp32 file runs on WebGPU (int8 kernels there are not faster).
import {
  modelKey,
  modelRole,
  type CatalogEntry,
  type DeviceProbe,
  type EmbeddingSpec,
  type InstalledModel,
  type TransformersSpec,
} from '../types.ts';
import { HUB_HOSTS } from './catalog.ts';

const MB = 1024 * 1024;

/** BGE's query instruction for retrieval (its model card); passages get none. */
const BGE_QUERY_PREFIX = 'Represent this sentence for searching relevant passages: ';

interface Entry {
  name: string;
  repo: string;
  dtype: string;
  device: TransformersSpec['device'];
  downloadMB: number;
  embedding: EmbeddingSpec;
}

const BGE_SMALL: EmbeddingSpec = {
  dimensions: 384,
  pooling: 'cls',
  queryPrefix: BGE_QUERY_PREFIX,
  passagePrefix: '',
  maxTokens: 512,
};

/** In order of preference when several are installed. */
const ENTRIES: Entry[] = [
  {
    name: 'BGE small English v1.5 (int8)',
    repo: 'Xenova/bge-small-en-v1.5',
    dtype: 'q8',
    device: 'wasm',
    downloadMB: 35,
    embedding: BGE_SMALL,
  },
  {
    name: 'BGE small English v1.5 (GPU)',
    repo: 'Xenova/bge-small-en-v1.5',
    dtype: 'fp32',
    device: 'webgpu',
    downloadMB: 134,
    embedding: BGE_SMALL,
  },
  {
    name: 'Multilingual E5 small (int8)',
    repo: 'Xenova/multilingual-e5-small',
    dtype: 'q8',
    device: 'wasm',
    // 118 MB of weights and a 17 MB tokenizer (250k-token vocabulary).
    downloadMB: 135,
    embedding: {
      dimensions: 384,
      pooling: 'mean',
      queryPrefix: 'query: ',
      passagePrefix: 'passage: ',
      maxTokens: 512,
    },
  },
  {
    name: 'all-MiniLM-L6-v2 (int8, fastest)',
    repo: 'Xenova/all-MiniLM-L6-v2',
    dtype: 'q8',
    device: 'wasm',
    downloadMB: 23,
    // Trained on 256-token inputs (sentence-transformers' max_seq_length), though it accepts 512.
    embedding: {
      dimensions: 384,
      pooling: 'mean',
      queryPrefix: '',
      passagePrefix: '',
      maxTokens: 256,
    },
  },
];

function specOf(entry: Entry): TransformersSpec {
  return {
    engine: 'transformers',
    repo: entry.repo,
    dtype: entry.dtype,
    device: entry.device,
    contextWindow: entry.embedding.maxTokens,
    embedding: entry.embedding,
  };
}

export function embeddingCatalog(): CatalogEntry[] {
  return ENTRIES.map((entry) => {
    const spec = specOf(entry);
    return {
      key: modelKey(spec),
      name: entry.name,
      spec,
      downloadBytes: entry.downloadMB * MB,
      downloadBytesExact: false,
      vramMB: null,
      contextWindow: entry.embedding.maxTokens,
      requiresF16: false,
      f32Alternative: null,
      hosts: HUB_HOSTS,
      strengths: [],
    };
  });
}

const [CPU_DEFAULT, GPU_DEFAULT] = ENTRIES.map((entry) => modelKey(specOf(entry)));

/**
 * The embedding model to offer first: int8 on a CPU, fp32 on WebGPU. A software WebGPU adapter
 * (SwiftShader) counts as a CPU: it is slower than WASM there.
 */
export function defaultEmbeddingKey(
  device: Pick<DeviceProbe, 'webgpu'> & Partial<Pick<DeviceProbe, 'architecture'>>,
): string {
  const realGpu = device.webgpu && device.architecture !== 'swiftshader';
  return (realGpu ? GPU_DEFAULT : CPU_DEFAULT) ?? '';
}

/**
 * Which installed embedding model memory should use when the user picked none: catalog models in
 * the order above, then imported ones, newest first.
 */
export function preferredEmbeddingModel(models: InstalledModel[]): string | null {
  const usable = models.filter((m) => m.complete && modelRole(m.spec) === 'embedding');
  const rank = (key: string) => {
    const index = ENTRIES.findIndex((entry) => modelKey(specOf(entry)) === key);
    return index === -1 ? ENTRIES.length : index;
  };
  const [best] = usable.sort((a, b) => rank(a.key) - rank(b.key) || b.installedAt - a.installedAt);
  return best?.key ?? null;
}
