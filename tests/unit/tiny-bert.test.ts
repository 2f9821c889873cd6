// The tiny BERT fixture is generated at test time: its bytes are deterministic, it loads through
// transformers.js' own feature-extraction pipeline (local files, onnxruntime-node), its WordPiece
// vocabulary covers corpus text in all four languages, and random weights still separate texts.
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// eslint-disable-next-line no-restricted-imports
import { AutoTokenizer, env, pipeline, type PreTrainedTokenizer } from '@huggingface/transformers';
import { generateTinyBert } from '../fixtures/tiny-bert';

let root = '';
let tokenizer: PreTrainedTokenizer;
const FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx'];

const samples = {
  en: 'List all files in the current directory, including hidden ones.',
  de: 'Zeige alle Dateien im aktuellen Verzeichnis an, auch versteckte.',
  zh: '列出当前目录中的所有文件，包括隐藏文件。',
  ja: '現在のディレクトリ内のすべてのファイルを表示する。',
};

async function digest(dir: string): Promise<string[]> {
  return Promise.all(
    FILES.map(async (f) =>
      createHash('sha256')
        .update(await readFile(join(dir, f)))
        .digest('hex'),
    ),
  );
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'hearth-tiny-bert-'));
  const started = performance.now();
  const { sizeBytes } = await generateTinyBert(join(root, 'tiny-bert'));
  console.log(`tiny-bert: ${sizeBytes} bytes in ${(performance.now() - started).toFixed(0)} ms`);
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = root;
  tokenizer = await AutoTokenizer.from_pretrained('tiny-bert');
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('tiny BERT fixture', () => {
  it('writes the same bytes every time', async () => {
    await generateTinyBert(join(root, 'again'));
    expect(await digest(join(root, 'again'))).toEqual(await digest(join(root, 'tiny-bert')));
  });

  it('wraps text in [CLS] … [SEP] and lowercases it', () => {
    expect(tokenizer.tokenize('Show FILES', { add_special_tokens: true })).toEqual([
      '[CLS]',
      'show',
      'files',
      '[SEP]',
    ]);
  });

  it.each(Object.entries(samples))('tokenizes %s corpus text with few [UNK]', (_, text) => {
    const tokens = tokenizer.tokenize(text);
    const unknown = tokens.filter((t) => t === '[UNK]').length;
    expect(tokens.length).toBeGreaterThan(5);
    expect(unknown / tokens.length).toBeLessThan(0.2);
  });

  it('loads through the feature-extraction pipeline and separates texts', async () => {
    const extract = await pipeline('feature-extraction', 'tiny-bert', {
      dtype: 'fp32',
      device: 'cpu',
    });
    const texts = Object.values(samples);
    const out = await extract(texts, { pooling: 'mean', normalize: true });
    expect(out.dims).toEqual([texts.length, 32]);
    const rows = out.tolist() as number[][];
    for (let i = 0; i < rows.length; i++)
      for (let j = i + 1; j < rows.length; j++) {
        const cosine = (rows[i] ?? []).reduce((s, v, d) => s + v * (rows[j]?.[d] ?? 0), 0);
        expect(cosine).toBeLessThan(0.95);
      }
    await extract.dispose();
  });

  it('writes an int8 variant (dtype q8) that runs and stays close to fp32', async () => {
    await generateTinyBert(join(root, 'tiny-bert'), 'tiny', 'q8');
    const texts = Object.values(samples);
    const embed = async (dtype: 'fp32' | 'q8') => {
      const extract = await pipeline('feature-extraction', 'tiny-bert', { dtype, device: 'cpu' });
      const rows = (await extract(texts, { pooling: 'mean', normalize: true })).tolist();
      await extract.dispose();
      return rows as number[][];
    };
    const [full, int8] = await Promise.all([embed('fp32'), embed('q8')]);
    full.forEach((row, i) => {
      const cosine = row.reduce((s, v, d) => s + v * (int8[i]?.[d] ?? 0), 0);
      expect(cosine).toBeGreaterThan(0.95);
      expect(cosine).toBeLessThan(1);
    });
  });
});

describe('lookup fixture (the ingest bench’s zero-cost embedder)', () => {
  it('has no encoder layer, gives 384-dimensional vectors and still separates texts', async () => {
    await generateTinyBert(join(root, 'lookup'), 'lookup');
    const config = JSON.parse(await readFile(join(root, 'lookup', 'config.json'), 'utf8')) as {
      num_hidden_layers: number;
    };
    expect(config.num_hidden_layers).toBe(0);
    const extract = await pipeline('feature-extraction', 'lookup', {
      dtype: 'fp32',
      device: 'cpu',
    });
    const texts = Object.values(samples);
    const out = await extract(texts, { pooling: 'mean', normalize: true });
    expect(out.dims).toEqual([texts.length, 384]);
    const rows = out.tolist() as number[][];
    const cosine = rows[0]!.reduce((s, v, d) => s + v * (rows[1]?.[d] ?? 0), 0);
    expect(cosine).toBeLessThan(0.95);
    await extract.dispose();
  });
});
