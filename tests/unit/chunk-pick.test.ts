import { describe, expect, it } from 'vitest';
import { bestChunkForTerms } from '../../src/lib/search/chunk-pick';
import { normalize, tokenizeDocument, tokenizeQuery } from '../../src/lib/search/tokenizer';
import { generateVault, vaultQueries } from '../fixtures/vault-generator';

const chunks = (...texts: string[]) => texts.map((text) => ({ text }));

/** The pick with every chunk tokenized (no shortcut), to check the shortcut changes nothing. */
function tokenizeAll(list: readonly { text: string }[], terms: string[]): number {
  const wanted = [...new Set(terms.map(normalize).filter((t) => t.trim() !== ''))];
  let best = 0;
  let bestScore = 0;
  list.forEach(({ text }, index) => {
    const present = new Set(tokenizeDocument(text));
    let score = 0;
    for (const term of wanted) {
      if (present.has(term)) score += 1;
      else if ([...present].some((word) => word.startsWith(term))) score += 0.5;
    }
    if (score > bestScore) [best, bestScore] = [index, score];
  });
  return best;
}

const cut = (text: string, size: number) =>
  Array.from({ length: Math.ceil(text.length / size) }, (_, i) => ({
    text: text.slice(i * size, (i + 1) * size),
  }));

describe('bestChunkForTerms', () => {
  it('picks the chunk with the most distinct terms, case-insensitively', () => {
    const notes = chunks(
      'Intro about nothing in particular.',
      'Extract the ARCHIVE here. Archive, archive, archive.',
      'Extract an archive into a directory.',
    );
    expect(bestChunkForTerms(notes, ['extract', 'archive', 'directory'])).toBe(2);
    // Repeating one term does not beat holding more of them.
    expect(bestChunkForTerms(notes, ['archive', 'directory'])).toBe(2);
  });

  it('takes the earliest chunk on ties and when nothing matches', () => {
    const notes = chunks('alpha beta', 'beta alpha', 'gamma');
    expect(bestChunkForTerms(notes, ['alpha', 'beta'])).toBe(0);
    expect(bestChunkForTerms(notes, ['zeta'])).toBe(0);
    expect(bestChunkForTerms(notes, [])).toBe(0);
    expect(bestChunkForTerms([], ['x'])).toBe(0);
  });

  it('normalizes width and case, and counts a word prefix for half', () => {
    const notes = chunks('nothing here', 'ＴＡＲ archives', 'tarball files');
    expect(bestChunkForTerms(notes, ['Tar'])).toBe(1);
    expect(bestChunkForTerms(notes, ['tarb'])).toBe(2);
    expect(bestChunkForTerms(notes, ['straße'])).toBe(0);
    expect(bestChunkForTerms(chunks('x', 'Die STRASSE', 'die Straße'), ['straße'])).toBe(2);
  });

  it('matches Japanese and Chinese queries through the keyword tokenizer', () => {
    const ja = chunks(
      'ファイルの一覧を表示する',
      'アーカイブを作成し、それをファイルに書き込む',
      'アーカイブファイルからパターンに合致するファイルを抽出する',
    );
    expect(bestChunkForTerms(ja, tokenizeQuery('アーカイブ 抽出'))).toBe(2);
    expect(bestChunkForTerms(ja, tokenizeQuery('一覧'))).toBe(0);
    const zh = chunks('创建存档并将其写入文件', '列出存档的内容', '从存档中提取文件');
    expect(bestChunkForTerms(zh, tokenizeQuery('提取'))).toBe(2);
    expect(bestChunkForTerms(zh, tokenizeQuery('列出 内容'))).toBe(1);
  });

  it('accepts the terms tokenizeQuery gives for identifiers', () => {
    const notes = chunks('Create a tar file.', 'Compress to target.tar.gz with gzip.');
    expect(bestChunkForTerms(notes, tokenizeQuery('tar.gz gzip'))).toBe(1);
  });

  it('picks what tokenizing every chunk picks, in 30 languages and on folding edge cases', () => {
    const spec = { notes: 90, seed: 5 };
    const notes = [...generateVault(spec)].map((n) => n.content);
    const queries = vaultQueries(spec, 60).map((q) => q.q);
    let compared = 0;
    for (const [i, query] of queries.entries()) {
      const terms = tokenizeQuery(query);
      for (const note of notes.slice((i * 7) % 80, ((i * 7) % 80) + 10)) {
        const list = cut(note, 97 + (i % 5) * 60);
        expect(bestChunkForTerms(list, terms), query).toBe(tokenizeAll(list, terms));
        compared++;
      }
    }
    expect(compared).toBe(600);
    // Case and compatibility folding that changes lengths or depends on context.
    const edge = chunks(
      'ΟΔΟΣ ΚΑΙ ΠΟΛΗ',
      'İstanbul İZMİR',
      'ﬁle ﬂow ＡＢＣ',
      '한국어 텍스트 한',
      'e\u0301cole déjà',
      'STRASSE Straße',
    );
    for (const query of [
      'οδος',
      'istanbul',
      'izmir',
      'file flow abc',
      '한국',
      'école deja',
      'straße',
    ]) {
      const terms = tokenizeQuery(query);
      expect(bestChunkForTerms(edge, terms), query).toBe(tokenizeAll(edge, terms));
    }
  });
});
