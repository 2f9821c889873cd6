// The pure rules for importing a transformers.js model folder: required files, dtype choice,
// slug, JSON checks and the ONNX header check. Storing into Cache Storage is checked in Chromium.
import { describe, expect, it } from 'vitest';
import { ModelImportError } from '../../src/lib/errors';
import {
  configWithExternalData,
  contentTypeFor,
  dtypeFromOnnxName,
  isPlausibleOnnxHeader,
  planImport,
  slugify,
  stripTopFolder,
  uniqueSlug,
  validateTexts,
} from '../../src/lib/llm/transformers/import-validate';

const base = ['config.json', 'tokenizer.json', 'tokenizer_config.json'];

const texts = {
  config: JSON.stringify({ model_type: 'llama', max_position_embeddings: 2048 }),
  tokenizer: JSON.stringify({ model: { type: 'BPE' } }),
  tokenizerConfig: JSON.stringify({ chat_template: '{{ messages }}' }),
  chatTemplateJinja: null,
};

describe('stripTopFolder', () => {
  it('strips the picked folder name that prefixes every path', () => {
    expect(stripTopFolder(['My Model/config.json', 'My Model/onnx/model.onnx'])).toEqual({
      folderName: 'My Model',
      paths: ['config.json', 'onnx/model.onnx'],
    });
  });

  it('keeps paths that are already relative to the folder', () => {
    expect(stripTopFolder(['config.json', 'onnx/model.onnx']).folderName).toBeNull();
    expect(stripTopFolder(['onnx/model.onnx', 'onnx/model_q4.onnx']).folderName).toBeNull();
  });

  it('normalizes backslashes and leading ./', () => {
    expect(stripTopFolder(['./m\\config.json', 'm\\onnx\\model.onnx']).paths).toEqual([
      'config.json',
      'onnx/model.onnx',
    ]);
  });
});

describe('dtypeFromOnnxName', () => {
  it.each([
    ['model.onnx', 'fp32'],
    ['model_q4.onnx', 'q4'],
    ['model_quantized.onnx', 'q8'],
    ['model_fp16.onnx', 'fp16'],
    ['model_q4f16.onnx', 'q4f16'],
    ['model_int8.onnx', 'int8'],
    ['model_uint8.onnx', 'uint8'],
    ['model_bnb4.onnx', 'bnb4'],
  ])('%s → %s', (name, dtype) => expect(dtypeFromOnnxName(name)).toBe(dtype));

  it('rejects other names', () => {
    expect(dtypeFromOnnxName('decoder_model_merged.onnx')).toBeNull();
    expect(dtypeFromOnnxName('model_weird.onnx')).toBeNull();
    expect(dtypeFromOnnxName('model.onnx_data')).toBeNull();
  });
});

describe('planImport', () => {
  it('accepts a complete folder and keeps only what transformers.js needs', () => {
    const plan = planImport(
      [
        ...base,
        'generation_config.json',
        'README.md',
        'model.safetensors',
        'onnx/model.onnx',
        'onnx/model_q4.onnx',
        'onnx/model_fp16.onnx',
      ].map((p) => `tiny/${p}`),
    );
    expect(plan.folderName).toBe('tiny');
    expect(plan.dtype).toBe('q4');
    expect(plan.onnxFile).toBe('onnx/model_q4.onnx');
    expect([...plan.keep.keys()].sort()).toEqual([
      'config.json',
      'generation_config.json',
      'onnx/model_q4.onnx',
      'tokenizer.json',
      'tokenizer_config.json',
    ]);
    expect(plan.keep.get('onnx/model_q4.onnx')).toBe(7);
  });

  it('prefers q8 over fp32 and picks up external data chunks', () => {
    const plan = planImport([
      ...base,
      'onnx/model.onnx',
      'onnx/model_quantized.onnx',
      'onnx/model_quantized.onnx_data',
      'onnx/model_quantized.onnx_data_1',
    ]);
    expect(plan.dtype).toBe('q8');
    expect(plan.externalDataChunks).toBe(2);
    expect(plan.keep.has('onnx/model_quantized.onnx_data_1')).toBe(true);
    expect(plan.keep.has('onnx/model.onnx')).toBe(false);
  });

  it.each(['config.json', 'tokenizer.json', 'tokenizer_config.json'])(
    'names a missing %s',
    (missing) => {
      const paths = [...base.filter((p) => p !== missing), 'onnx/model.onnx'];
      expect(() => planImport(paths)).toThrow(ModelImportError);
      expect(() => planImport(paths)).toThrow(missing);
    },
  );

  it('requires an ONNX model under onnx/', () => {
    expect(() => planImport([...base, 'model.onnx'])).toThrow(/onnx\/model\.onnx/);
    expect(() => planImport([...base, 'onnx/encoder_model.onnx'])).toThrow(/encoder_model\.onnx/);
  });
});

describe('validateTexts', () => {
  it('accepts a chat model and keeps its tokenizer_config as is', () => {
    expect(validateTexts(texts)).toEqual({
      tokenizerConfig: texts.tokenizerConfig,
      modelType: 'llama',
      role: 'chat',
    });
  });

  it('names the file that is not JSON', () => {
    expect(() => validateTexts({ ...texts, config: '{oops' })).toThrow(/config\.json.*JSON/);
    expect(() => validateTexts({ ...texts, tokenizer: '[]' })).toThrow(/tokenizer\.json/);
  });

  it('requires model_type and a tokenizer model', () => {
    expect(() => validateTexts({ ...texts, config: '{}' })).toThrow(/model_type/);
    expect(() => validateTexts({ ...texts, tokenizer: '{}' })).toThrow(/tokenizer\.json/);
  });

  it('copies a chat template from chat_template.jinja or tokenizer.json into tokenizer_config', () => {
    const fromJinja = validateTexts({
      ...texts,
      tokenizerConfig: '{"bos_token":"<s>"}',
      chatTemplateJinja: '{{ bos_token }}',
    });
    expect(JSON.parse(fromJinja.tokenizerConfig)).toEqual({
      bos_token: '<s>',
      chat_template: '{{ bos_token }}',
    });
    const fromTokenizer = validateTexts({
      ...texts,
      tokenizerConfig: '{}',
      tokenizer: JSON.stringify({ model: {}, chat_template: 'T' }),
    });
    expect(JSON.parse(fromTokenizer.tokenizerConfig)).toEqual({ chat_template: 'T' });
  });

  it('rejects a model without any chat template', () => {
    expect(() => validateTexts({ ...texts, tokenizerConfig: '{}' })).toThrow(/chat_template/);
  });
});

describe('configWithExternalData', () => {
  it('declares external data chunks transformers.js must fetch', () => {
    const plan = planImport([...base, 'onnx/model_q4.onnx', 'onnx/model_q4.onnx_data']);
    const config = JSON.parse(configWithExternalData(texts.config, plan)) as Record<
      string,
      unknown
    >;
    expect(config['transformers.js_config']).toEqual({
      use_external_data_format: { 'model_q4.onnx': 1 },
    });
    expect(config.model_type).toBe('llama');
  });

  it('leaves the config untouched without external data', () => {
    const plan = planImport([...base, 'onnx/model.onnx']);
    expect(configWithExternalData(texts.config, plan)).toBe(texts.config);
  });
});

describe('slugs', () => {
  it('makes hub-safe slugs', () => {
    expect(slugify('My Model (v2)')).toBe('my-model-v2');
    expect(slugify('Qwen2.5--0.5B..Instruct')).toBe('qwen2.5-0.5b-instruct');
    expect(slugify('Ünïcödé')).toBe('unicode');
    expect(slugify('***')).toBe('model');
    expect(slugify('a'.repeat(100))).toHaveLength(64);
  });

  it('uniquifies against taken slugs', () => {
    const taken = new Set(['tiny', 'tiny-2']);
    expect(uniqueSlug('tiny', (s) => taken.has(s))).toBe('tiny-3');
    expect(uniqueSlug('other', (s) => taken.has(s))).toBe('other');
  });
});

describe('file checks', () => {
  it('recognizes an ONNX protobuf header', () => {
    expect(isPlausibleOnnxHeader(Uint8Array.of(0x08, 0x08))).toBe(true);
    expect(isPlausibleOnnxHeader(Uint8Array.of(0x3a))).toBe(true);
    expect(isPlausibleOnnxHeader(new Uint8Array())).toBe(false);
    expect(isPlausibleOnnxHeader(new TextEncoder().encode('<html>'))).toBe(false);
    expect(isPlausibleOnnxHeader(new TextEncoder().encode('{"a"'))).toBe(false);
  });

  it('gives each stored file a content type', () => {
    expect(contentTypeFor('config.json')).toMatch(/^application\/json/);
    expect(contentTypeFor('chat_template.jinja')).toMatch(/^text\/plain/);
    expect(contentTypeFor('onnx/model.onnx')).toBe('application/octet-stream');
  });
});
