// @vitest-environment jsdom
// Inline #tags feed a note's tags (and so the search tag filter). The fast scanner that derives
// them must agree with the tag chips the renderer draws; both are checked on tricky samples and
// on real notes from the committed corpus.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractInlineTags } from '../../src/lib/vault/inline-tags';
import { stripComments } from '../../src/lib/vault/comments';
import { deriveMeta, frontmatterTags } from '../../src/lib/vault/derive';
import { renderMarkdown } from '../../src/lib/markdown/render';
import { corpusDir } from '../fixtures/corpus';

function chipTags(markdown: string): string[] {
  const html = renderMarkdown(markdown);
  const doc = new DOMParser().parseFromString(html, 'text/html');
  return [...new Set([...doc.querySelectorAll('a.tag')].map((a) => a.getAttribute('data-tag')!))];
}

const samples: Record<string, { text: string; tags: string[] }> = {
  'plain and nested': { text: 'Ideas #idea and #project/alpha.', tags: ['idea', 'project/alpha'] },
  'any script': {
    text: '#日本語 #Ελληνικά #café #emoji🚀 #हिन्दी',
    tags: ['日本語', 'Ελληνικά', 'café', 'emoji🚀', 'हिन्दी'],
  },
  'not numbers, headings, words or fragments': {
    text: '# Title\n\n#123 #2024 C# a#b https://x.org/p#frag www.x.org/#y #ok',
    tags: ['ok'],
  },
  'punctuation ends a tag': {
    text: 'end #dot. #comma, (#paren) #q? #a/',
    tags: ['dot', 'comma', 'q', 'a'],
  },
  'not in code': {
    text: '`#span`\n\n```\n#fenced\n```\n\n~~~md\n#tilde\n~~~\n\n    #indented code\n\n#after',
    tags: ['after'],
  },
  'in nested lists (indented, not code)': {
    text: '- top #one\n    - nested #two\n        - deeper #three',
    tags: ['one', 'two', 'three'],
  },
  'not in comments or links': {
    text: '%%#hidden%% [#label](https://x.org) [[Note#head]] <https://x.org/#z> #shown\n\n%%\n#block\n%%',
    tags: ['shown'],
  },
  'in headings, quotes, tables, emphasis and callouts': {
    text: '## Plan #roadmap\n\n> quoted #quote\n\n| a | b |\n| - | - |\n| #cell | x |\n\n*#em* **#strong** ==#marked==\n\n> [!note] Title #call\n> body #inside',
    tags: ['roadmap', 'quote', 'cell', 'em', 'strong', 'marked', 'call', 'inside'],
  },
};

describe('inline tags', () => {
  for (const [name, { text, tags }] of Object.entries(samples)) {
    it(`derives and renders the same tags: ${name}`, () => {
      expect(extractInlineTags(text)).toEqual(tags);
      expect(chipTags(text)).toEqual(tags);
    });
  }

  it('agree with the renderer on real notes (the committed tldr corpus, four languages)', () => {
    let checked = 0;
    let withTags = 0;
    for (const lang of ['pages', 'pages.de', 'pages.ja', 'pages.zh']) {
      const dir = join(corpusDir, lang, 'common');
      for (const name of readdirSync(dir).sort().slice(0, 25)) {
        // Real pages plus the same page with tags sprinkled after some words.
        const page = readFileSync(join(dir, name), 'utf8');
        const tagged = page.replace(/(\S+) (\S+)\n/g, (m, a: string, b: string, at: number) =>
          at % 3 === 0 ? `${a} #t${at % 7}/${b.replace(/[^\p{L}]/gu, '') || 'x'}\n` : m,
        );
        for (const text of [page, tagged]) {
          const derived = extractInlineTags(text);
          expect(derived, `${lang}/${name}`).toEqual(chipTags(text));
          if (derived.length > 0) withTags++;
          checked++;
        }
      }
    }
    expect(checked).toBe(200);
    expect(withTags).toBeGreaterThan(40);
    // Each render goes through DOMPurify in jsdom: seconds in all on a busy machine.
  }, 120_000);
});

describe('derived tags', () => {
  it('merge the frontmatter tags with the inline ones, each once', () => {
    const content = '---\ntitle: T\ntags: [work, idea]\n---\n\nA #idea about #home/garden.';
    expect(deriveMeta('t.md', content, '2026-01-01').tags).toEqual(['work', 'idea', 'home/garden']);
    expect(frontmatterTags(content)).toEqual(['work', 'idea']);
  });

  it('ignore a #tag in the frontmatter YAML and tags longer than 64 characters', () => {
    const long = 'x'.repeat(65);
    const content = `---\n# a YAML comment #not\ntitle: T\n---\n#${long} #fine`;
    expect(deriveMeta('t.md', content, '2026-01-01').tags).toEqual(['fine']);
  });
});

describe('comments', () => {
  it('strip %%…%% outside code and keep everything else byte for byte', () => {
    expect(stripComments('a %%b%% c')).toBe('a  c');
    expect(stripComments('no comments here')).toBe('no comments here');
    expect(stripComments('`%%x%%` %%y%%z')).toBe('`%%x%%` z');
    expect(stripComments('```\n%%\n```\n%%gone%%kept')).toBe('```\n%%\n```\nkept');
    expect(stripComments('x \\%% y %% z')).toBe('x \\%% y ');
    expect(stripComments('keep\n%%\nmulti\n\nline\n%%\nafter')).toBe('keep\n\nafter');
  });
});
