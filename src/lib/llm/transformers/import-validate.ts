// Pure checks for a picked transformers.js model folder: which files it must hold, which ONNX
// file (and so which dtype) to use, what slug it gets and whether its JSON makes sense. No I/O
// here, so every rule is unit-tested in Node; store-import.ts does the reading and storing.
import { ModelImportError } from '../../errors';

/** transformers.js' file-name suffix for each dtype (src/utils/dtypes.js DEFAULT_DTYPE_SUFFIX_MAPPING). */
const DTYPE_SUFFIXES: Record<string, string> = {
  fp32: '',
  fp16: '_fp16',
  int8: '_int8',
  uint8: '_uint8',
  q8: '_quantized',
  q4: '_q4',
  q2: '_q2',
  q1: '_q1',
  q4f16: '_q4f16',
  q2f16: '_q2f16',
  q1f16: '_q1f16',
  bnb4: '_bnb4',
};

/** Which dtype to pick when a folder holds several: the fastest on a CPU first. */
const DTYPE_PREFERENCE = ['q4', 'q8', 'int8', 'uint8', 'bnb4', 'fp32', 'q4f16', 'fp16'];

/** Decoder-only models load `onnx/model<suffix>.onnx` (session_config.js). */
const MODEL_BASE_NAME = 'model';

const REQUIRED_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json'];

/** Top-level files worth keeping; weights in other formats (safetensors, gguf) are skipped. */
const KEPT_TOP_LEVEL = /^[^/]+\.(json|jinja|txt|model)$/;

export interface ImportPlan {
  /** The picked folder's name when every path starts with it, else null. */
  folderName: string | null;
  dtype: string;
  onnxFile: string;
  /** Stripped path → index into the original file list, for the files to store. */
  keep: Map<string, number>;
  /** External-data chunks next to the chosen ONNX file (`model_q4.onnx_data`, `…_data_1`). */
  externalDataChunks: number;
  /** Index of sentence-transformers' `1_Pooling/config.json` (read, not stored), or null. */
  poolingConfig: number | null;
}

/** sentence-transformers' pooling description: how token vectors become one sentence vector. */
const POOLING_CONFIG = '1_Pooling/config.json';

function normalize(path: string): string {
  return path.replaceAll('\\', '/').replace(/^(\.\/|\/)+/, '');
}

/** Paths relative to the picked folder; a browser folder pick prefixes them with its name. */
export function stripTopFolder(paths: string[]): { folderName: string | null; paths: string[] } {
  const clean = paths.map(normalize);
  const tops = new Set(clean.map((p) => (p.includes('/') ? p.split('/')[0] : '')));
  const [top] = tops;
  if (tops.size !== 1 || !top || top === 'onnx') return { folderName: null, paths: clean };
  return { folderName: top, paths: clean.map((p) => p.slice(top.length + 1)) };
}

/** `model_q4.onnx` → `q4`; null for names that are not `model<known suffix>.onnx`. */
export function dtypeFromOnnxName(fileName: string): string | null {
  const match = /^(.+)\.onnx$/.exec(fileName);
  if (!match?.[1]?.startsWith(MODEL_BASE_NAME)) return null;
  const suffix = match[1].slice(MODEL_BASE_NAME.length);
  const found = Object.entries(DTYPE_SUFFIXES).find(([, s]) => s === suffix);
  return found ? found[0] : null;
}

export function onnxFileFor(dtype: string): string {
  return `onnx/${MODEL_BASE_NAME}${DTYPE_SUFFIXES[dtype] ?? ''}.onnx`;
}

/** Checks that the folder has what transformers.js needs and decides what to store. */
export function planImport(originalPaths: string[]): ImportPlan {
  const { folderName, paths } = stripTopFolder(originalPaths);
  const index = new Map(paths.map((p, i) => [p, i]));
  for (const name of REQUIRED_FILES) {
    if (!index.has(name))
      throw new ModelImportError(
        `The folder has no “${name}” at its top level. Pick the model's folder itself (with config.json, tokenizer.json, tokenizer_config.json and onnx/).`,
      );
  }
  const onnxNames = paths.filter((p) => /^onnx\/[^/]+\.onnx$/.test(p)).map((p) => p.slice(5));
  if (onnxNames.length === 0)
    throw new ModelImportError(
      'The folder has no ONNX model: expected a file like “onnx/model.onnx” or “onnx/model_q4.onnx”.',
    );
  const dtypes = onnxNames.map(dtypeFromOnnxName).filter((d): d is string => d !== null);
  const dtype = DTYPE_PREFERENCE.find((d) => dtypes.includes(d));
  if (!dtype)
    throw new ModelImportError(
      `None of the ONNX files (${onnxNames.join(', ')}) is a model file transformers.js can load: expected “onnx/model.onnx” or “onnx/model_<dtype>.onnx”.`,
    );
  const onnxFile = onnxFileFor(dtype);
  const keep = new Map<string, number>();
  for (const [path, i] of index) {
    if (KEPT_TOP_LEVEL.test(path)) keep.set(path, i);
  }
  keep.set(onnxFile, index.get(onnxFile) ?? 0);
  let externalDataChunks = 0;
  for (;;) {
    const chunk = `${onnxFile}_data${externalDataChunks === 0 ? '' : `_${externalDataChunks}`}`;
    const i = index.get(chunk);
    if (i === undefined) break;
    keep.set(chunk, i);
    externalDataChunks++;
  }
  const poolingConfig = index.get(POOLING_CONFIG) ?? null;
  return { folderName, dtype, onnxFile, keep, externalDataChunks, poolingConfig };
}

/**
 * The config.json text to store: transformers.js only fetches external-data chunks that the
 * config declares, so chunks found next to the ONNX file are declared for it.
 */
export function configWithExternalData(configText: string, plan: ImportPlan): string {
  if (plan.externalDataChunks === 0) return configText;
  const config = parseJson('config.json', configText);
  const custom = (config['transformers.js_config'] ?? {}) as Record<string, unknown>;
  const declared = custom.use_external_data_format;
  const fileName = plan.onnxFile.slice('onnx/'.length);
  const previous = declared && typeof declared === 'object' ? declared : {};
  return JSON.stringify({
    ...config,
    'transformers.js_config': {
      ...custom,
      use_external_data_format: { ...previous, [fileName]: plan.externalDataChunks },
    },
  });
}

/** A hub-safe slug (letters, digits, `-`, `_`, `.`; no `--` or `..`), never empty. */
export function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/[-.]{2,}/g, '-')
    .replace(/^[-._]+|[-._]+$/g, '')
    .slice(0, 64)
    .replace(/[-._]+$/, '');
  return slug || 'model';
}

export function uniqueSlug(base: string, isTaken: (slug: string) => boolean): string {
  if (!isTaken(base)) return base;
  for (let n = 2; ; n++) {
    const candidate = `${base}-${n}`;
    if (!isTaken(candidate)) return candidate;
  }
}

/** A JSON object from a picked file, or a ModelImportError naming the file. */
export function parseJson(name: string, text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === 'object' && !Array.isArray(value))
      return value as Record<string, unknown>;
  } catch (error) {
    throw new ModelImportError(`“${name}” is not valid JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
  throw new ModelImportError(`“${name}” is not a JSON object.`);
}

function hasTemplate(value: unknown): boolean {
  return (typeof value === 'string' && value.trim() !== '') || Array.isArray(value);
}

export interface ImportTexts {
  config: string;
  tokenizer: string;
  tokenizerConfig: string;
  /** `chat_template.jinja`, which newer repos ship instead of a template in tokenizer_config. */
  chatTemplateJinja: string | null;
}

/** Encoder-only architectures: they turn text into vectors (feature extraction), not text. */
const ENCODER_MODEL_TYPES = new Set([
  'albert',
  'bert',
  'camembert',
  'deberta',
  'deberta-v2',
  'distilbert',
  'electra',
  'mpnet',
  'modernbert',
  'nomic_bert',
  'roberta',
  'xlm-roberta',
]);

/** Architecture names with a head that generates text. */
const GENERATION_HEAD = /(ForCausalLM|LMHeadModel|ForConditionalGeneration|ForSeq2SeqLM)$/;

/** An encoder by its type, or a model whose declared architectures have no generation head. */
function isEncoder(config: Record<string, unknown>, modelType: string): boolean {
  if (ENCODER_MODEL_TYPES.has(modelType)) return true;
  const architectures = config.architectures;
  return (
    Array.isArray(architectures) &&
    architectures.length > 0 &&
    architectures.every((a) => typeof a === 'string' && !GENERATION_HEAD.test(a))
  );
}

export interface ValidatedTexts {
  /** The tokenizer_config.json text to store. */
  tokenizerConfig: string;
  modelType: string;
  /** A chat model has a chat template; an encoder without one is an embedding model. */
  role: 'chat' | 'embedding';
}

/**
 * Validates the JSON files and tells a chat model from an embedding model. For a chat model the
 * returned tokenizer_config.json carries the template: transformers.js reads it only from there,
 * so a template found elsewhere is copied in.
 */
export function validateTexts(texts: ImportTexts): ValidatedTexts {
  const config = parseJson('config.json', texts.config);
  const tokenizer = parseJson('tokenizer.json', texts.tokenizer);
  const tokenizerConfig = parseJson('tokenizer_config.json', texts.tokenizerConfig);
  const modelType = config.model_type;
  if (typeof modelType !== 'string' || !modelType)
    throw new ModelImportError(
      '“config.json” has no “model_type”: it is not a transformers model config.',
    );
  if (!tokenizer.model || typeof tokenizer.model !== 'object')
    throw new ModelImportError(
      '“tokenizer.json” has no “model” section: it is not a tokenizer file.',
    );
  if (hasTemplate(tokenizerConfig.chat_template))
    return { tokenizerConfig: texts.tokenizerConfig, modelType, role: 'chat' };
  const template = hasTemplate(tokenizer.chat_template)
    ? tokenizer.chat_template
    : texts.chatTemplateJinja?.trim()
      ? texts.chatTemplateJinja
      : null;
  if (template !== null)
    return {
      tokenizerConfig: JSON.stringify({ ...tokenizerConfig, chat_template: template }),
      modelType,
      role: 'chat',
    };
  if (isEncoder(config, modelType))
    return { tokenizerConfig: texts.tokenizerConfig, modelType, role: 'embedding' };
  throw new ModelImportError(
    `This “${modelType}” model is neither a chat model nor an embedding model: “tokenizer_config.json” has no “chat_template” (nor does tokenizer.json or chat_template.jinja), and it is not an encoder such as BERT or XLM-RoBERTa.`,
  );
}

/** An ONNX file is a protobuf ModelProto: its first byte is a field tag (usually 0x08, ir_version). */
export function isPlausibleOnnxHeader(firstBytes: Uint8Array): boolean {
  const tag = firstBytes[0];
  if (tag === undefined) return false;
  const field = tag >> 3;
  const wireType = tag & 7;
  return field >= 1 && field <= 20 && (wireType === 0 || wireType === 2);
}

export function contentTypeFor(path: string): string {
  if (path.endsWith('.json')) return 'application/json; charset=utf-8';
  if (/\.(jinja|txt)$/.test(path)) return 'text/plain; charset=utf-8';
  return 'application/octet-stream';
}
