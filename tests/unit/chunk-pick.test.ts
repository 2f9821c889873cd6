import { describe, expect, it } from 'vitest';
import { bestChunkForTerms } from '../../src/lib/search/chunk-pick';
import { tokenizeQuery } from '../../src/lib/search/tokenizer';

const chunks = (...texts: string[]) => texts.map((text) => ({ text }));

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
});
