import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { corpusDir } from '../fixtures/corpus';
import { describe, expect, it } from 'vitest';
import { tokenizeDocument, tokenizeQuery, wordSpans } from '../../src/lib/search/tokenizer';

const page = (path: string) => readFileSync(join(corpusDir, path), 'utf8');

/** What a pure dictionary tokenizer would index: the segmenter's words. */
const dictionaryWords = (text: string) => new Set(wordSpans(text).map((s) => s.norm));

describe('tokenizer', () => {
  it('splits Latin and German text into lower-cased words, dropping punctuation', () => {
    expect(tokenizeDocument('Hello, World! Die Straße — Verzeichnisse auflisten.')).toEqual([
      'hello',
      'world',
      'die',
      'straße',
      'verzeichnisse',
      'auflisten',
    ]);
  });

  it('normalizes with NFKC: full-width Latin and half-width katakana', () => {
    expect(tokenizeDocument('ＡＢＣ１２３')).toEqual(['abc123']);
    expect(tokenizeQuery('ｶﾞｿﾘﾝ')).toEqual(tokenizeQuery('ガソリン'));
  });

  it('indexes dotted and snake_case identifiers whole and by part; queries look up the parts', () => {
    expect(tokenizeDocument('tar.gz snake_case')).toEqual([
      'tar.gz',
      'tar',
      'gz',
      'snake_case',
      'snake',
      'case',
    ]);
    expect(tokenizeQuery('tar.gz')).toEqual(['tar', 'gz']);
  });

  it('turns Chinese runs into character bigrams and keeps single-character words', () => {
    const terms = tokenizeDocument('创建一个 gzip 压缩文件并将其写入文件');
    expect(terms).toContain('gzip');
    expect(terms).toEqual(
      expect.arrayContaining(['创建', '建一', '一个', '压缩', '缩文', '文件', '并']),
    );
    expect(tokenizeQuery('压缩文件')).toEqual(['压缩', '文件']);
    expect(tokenizeQuery('归')).toEqual(['归']);
  });

  it('finds a Japanese word that dictionary segmentation splits differently in context (7z page)', () => {
    const text = page('pages.ja/common/7z.md');
    // In context ICU segments ファイル|ア|ー|カイバ, so the word アーカイバ never appears…
    expect(dictionaryWords(text).has('アーカイバ')).toBe(false);
    expect(wordSpans('アーカイバ').map((s) => s.norm)).toEqual(['アーカイバ']);
    // …but every bigram of the query does.
    const docTerms = new Set(tokenizeDocument(text));
    const queryTerms = tokenizeQuery('アーカイバ');
    expect(queryTerms).toEqual(['アー', 'ーカ', 'カイ', 'イバ']);
    for (const term of queryTerms) expect(docTerms.has(term)).toBe(true);
  });

  it('covers every query word of a real Chinese page with the page’s own terms', () => {
    const text = page('pages.zh/common/tar.md');
    const docTerms = new Set(tokenizeDocument(text));
    for (const query of ['归档', '压缩存档', '目标目录', '详细列出']) {
      for (const term of tokenizeQuery(query))
        expect(docTerms.has(term), `${query}: ${term}`).toBe(true);
    }
  });
});
