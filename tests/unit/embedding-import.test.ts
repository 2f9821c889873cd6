// Importing an encoder folder as an embedding model: how a folder is told apart from a chat model
// and how its embedding spec (size, input limit, pooling, prefixes) is read from its own files.
import { describe, expect, it } from 'vitest';
import { ModelImportError } from '../../src/lib/errors';
import { embeddingSpecFromFiles } from '../../src/lib/llm/transformers/import-embedding';
import { planImport, validateTexts } from '../../src/lib/llm/transformers/import-validate';

const tokenizer = JSON.stringify({ model: { type: 'WordPiece' } });

function textsFor(config: object, tokenizerConfig: object = {}) {
  return {
    config: JSON.stringify(config),
    tokenizer,
    tokenizerConfig: JSON.stringify(tokenizerConfig),
    chatTemplateJinja: null,
  };
}

const bertConfig = { model_type: 'bert', hidden_size: 384, max_position_embeddings: 512 };

describe('validateTexts: chat or embedding', () => {
  it.each(['bert', 'xlm-roberta', 'roberta', 'distilbert', 'mpnet', 'nomic_bert'])(
    'an encoder (%s) without a chat template is an embedding model',
    (modelType) => {
      const texts = textsFor({ model_type: modelType }, { do_lower_case: true });
      expect(validateTexts(texts)).toEqual({
        tokenizerConfig: texts.tokenizerConfig,
        modelType,
        role: 'embedding',
      });
    },
  );

  it('an unknown type whose architectures have no generation head is an embedding model', () => {
    const texts = textsFor({ model_type: 'new', architectures: ['NewModel'] });
    expect(validateTexts(texts).role).toBe('embedding');
  });

  it('a model with a chat template stays a chat model', () => {
    const texts = textsFor(bertConfig, { chat_template: '{{ messages }}' });
    expect(validateTexts(texts).role).toBe('chat');
  });

  it('a decoder without a chat template is neither, and the error says so', () => {
    const base = textsFor({ model_type: 'llama', architectures: ['LlamaForCausalLM'] });
    expect(() => validateTexts(base)).toThrow(ModelImportError);
    expect(() => validateTexts(base)).toThrow(/neither a chat model nor an embedding model/);
    expect(() => validateTexts(textsFor({ model_type: 'gpt2' }))).toThrow(/chat_template/);
  });
});

describe('planImport: sentence-transformers pooling', () => {
  it('finds 1_Pooling/config.json without storing it', () => {
    const paths = [
      'config.json',
      'tokenizer.json',
      'tokenizer_config.json',
      'modules.json',
      '1_Pooling/config.json',
      'onnx/model_quantized.onnx',
    ].map((p) => `bge-small-en-v1.5/${p}`);
    const plan = planImport(paths);
    expect(plan.poolingConfig).toBe(4);
    expect(plan.dtype).toBe('q8');
    expect([...plan.keep.keys()]).not.toContain('1_Pooling/config.json');
  });

  it('is null when the folder has none', () => {
    const plan = planImport([
      'config.json',
      'tokenizer.json',
      'tokenizer_config.json',
      'onnx/model.onnx',
    ]);
    expect(plan.poolingConfig).toBeNull();
  });
});

describe('embeddingSpecFromFiles', () => {
  const config = JSON.stringify(bertConfig);

  it('reads dimensions and the input limit from config.json, mean pooling by default', () => {
    expect(embeddingSpecFromFiles(config, null, 'my-encoder')).toEqual({
      dimensions: 384,
      pooling: 'mean',
      queryPrefix: '',
      passagePrefix: '',
      maxTokens: 512,
    });
  });

  it('caps the input limit at 512 tokens and defaults to it', () => {
    const roberta = JSON.stringify({ hidden_size: 768, max_position_embeddings: 514 });
    expect(embeddingSpecFromFiles(roberta, null, null).maxTokens).toBe(512);
    const short = JSON.stringify({ hidden_size: 768, max_position_embeddings: 256 });
    expect(embeddingSpecFromFiles(short, null, null).maxTokens).toBe(256);
    expect(embeddingSpecFromFiles('{"hidden_size": 32}', null, null).maxTokens).toBe(512);
  });

  it('takes DistilBERT’s `dim` as the width', () => {
    expect(embeddingSpecFromFiles('{"dim": 768}', null, null).dimensions).toBe(768);
  });

  it('takes the pooling from sentence-transformers’ pooling config', () => {
    const cls = JSON.stringify({ pooling_mode_cls_token: true, pooling_mode_mean_tokens: false });
    const mean = JSON.stringify({ pooling_mode_cls_token: false, pooling_mode_mean_tokens: true });
    expect(embeddingSpecFromFiles(config, cls, null).pooling).toBe('cls');
    expect(embeddingSpecFromFiles(config, mean, null).pooling).toBe('mean');
  });

  it('uses the e5 and BGE English prefixes when the name says so', () => {
    expect(embeddingSpecFromFiles(config, null, 'multilingual-e5-small')).toMatchObject({
      queryPrefix: 'query: ',
      passagePrefix: 'passage: ',
    });
    expect(embeddingSpecFromFiles(config, null, 'bge-small-en-v1.5')).toMatchObject({
      queryPrefix: 'Represent this sentence for searching relevant passages: ',
      passagePrefix: '',
    });
    const named = JSON.stringify({ ...bertConfig, _name_or_path: 'intfloat/e5-small-v2' });
    expect(embeddingSpecFromFiles(named, null, 'model').queryPrefix).toBe('query: ');
    expect(embeddingSpecFromFiles(config, null, 'bge-m3').queryPrefix).toBe('');
    expect(embeddingSpecFromFiles(config, null, 'some5-thing').queryPrefix).toBe('');
  });

  it('names the file at fault', () => {
    expect(() => embeddingSpecFromFiles('{}', null, null)).toThrow(/hidden_size/);
    expect(() => embeddingSpecFromFiles(config, '{oops', null)).toThrow(/1_Pooling\/config\.json/);
  });
});
