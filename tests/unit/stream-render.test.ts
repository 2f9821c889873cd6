// @vitest-environment jsdom
// DOMPurify needs a DOM; jsdom gives it one in Node (the real browser path is covered by e2e).
import { describe, expect, it } from 'vitest';
import { StreamRenderer, renderChatMarkdown } from '../../src/lib/markdown/stream-render';

const longCode = Array.from(
  { length: 40 },
  (_, i) => `  const x${i} = ${i} * 2; // line ${i}`,
).join('\n');

const samples: Record<string, string> = {
  paragraphs: 'Hello **there**.\n\nSecond paragraph with `code`.\n\nThird\nwith a soft break.',
  headings: '# Title\nIntro text\n\n## Part\n\nSetext heading\n===\n\nend',
  'long code block': `Here is code:\n\n\`\`\`ts\nfunction f() {\n${longCode}\n\n  return 1;\n}\n\`\`\`\n\nAfter the code.`,
  'unclosed fence': 'Start\n\n```python\ndef f():\n\n    return 1\n',
  'tight and loose lists':
    '- one\n- two\n  - nested\n\n- three after blank\n\n1. first\n2. second\n\n   continued item\n\nDone.',
  'list then paragraph': '* a\n* b\n\nnot in the list\n\n+ new list',
  'table and quote':
    '| a | b |\n|---|:-:|\n| 1 | 2 |\n\n> quoted\n> more\n\n> second quote\n\n---\n\nfin',
  'indented code': 'Para\n\n    indented code\n\n    more code\n\nback',
  'raw html': 'Text <b>bold</b>\n\n<div>\n\nwrapped *md*\n\n</div>\n\nafter',
  'reference links':
    'See [the docs][d] and [x].\n\nMore text.\n\n[d]: https://example.com/docs\n[x]: https://example.com/x',
  'tildes and nested fences':
    '~~~\n```\nnot a fence end\n```\n~~~\n\n````md\n```js\ninner\n```\n````\n\nok',
  crlf: 'Line one\r\n\r\n- item\r\n- item 2\r\n\r\n```\r\ncode\r\n```\r\n',
  'headings inside lists':
    '1. Step\n   ```bash\n   npm i\n\n   npm run\n   ```\n2. Next step\n\nend',
};

function streamInChunks(
  text: string,
  chunkSizes: number[],
): { renderer: StreamRenderer; prefixes: string[] } {
  const renderer = new StreamRenderer();
  const prefixes: string[] = [];
  let at = 0;
  let i = 0;
  while (at < text.length) {
    at = Math.min(text.length, at + (chunkSizes[i++ % chunkSizes.length] ?? 1));
    prefixes.push(text.slice(0, at));
  }
  return { renderer, prefixes };
}

describe('StreamRenderer', () => {
  for (const [name, text] of Object.entries(samples)) {
    it(`matches the one-shot render on every prefix: ${name}`, () => {
      // jsdom's DOM makes DOMPurify slow: long samples go in bigger chunks to keep this quick.
      const sizes = text.length > 800 ? [97, 131, 53] : [1, 3, 7, 2, 11];
      const { renderer, prefixes } = streamInChunks(text, sizes);
      for (const prefix of prefixes) {
        renderer.update(prefix);
        expect(renderer.html, JSON.stringify(prefix)).toBe(renderChatMarkdown(prefix));
      }
      expect(renderer.html).toBe(renderChatMarkdown(text));
    }, 20_000);
  }

  it('matches the one-shot render on every prefix of random Markdown-ish text', () => {
    const pieces = [
      'word ',
      '\n',
      '\n\n',
      '- ',
      '2. ',
      '1) ',
      '> ',
      '# ',
      '```',
      '~~~',
      '    ',
      '*',
      '_',
      '|a|b|\n|-|-|\n',
      '---',
      '===',
      '<b>',
      '[l](http://x.y)',
      '`c`',
      '  ',
      '1',
      '.',
      ':',
    ];
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let doc = 0; doc < 5; doc++) {
      const text = Array.from(
        { length: 50 },
        () => pieces[Math.floor(random() * pieces.length)],
      ).join('');
      const renderer = new StreamRenderer();
      for (let at = 1; at <= text.length; at += 1 + Math.floor(random() * 6)) {
        const prefix = text.slice(0, at);
        expect(renderer.update(prefix) && renderer.html, JSON.stringify(prefix)).toBe(
          renderChatMarkdown(prefix),
        );
      }
    }
  }, 30_000);

  it('keeps finished blocks and re-renders only the last two', () => {
    const renderer = new StreamRenderer();
    renderer.update('# Title\n\nfirst paragraph\n\nsecond\n\nthird');
    const committed = renderer.blocks;
    expect(committed.join('')).toBe('<h1>Title</h1>\n<p>first paragraph</p>\n');
    expect(renderer.tail).toBe('<p>second</p>\n<p>third</p>\n');
    renderer.update('# Title\n\nfirst paragraph\n\nsecond\n\nthird grows');
    expect(renderer.blocks[0]).toBe(committed[0]);
    expect(renderer.tail).toBe('<p>second</p>\n<p>third grows</p>\n');
  });

  it('highlights fenced code and keeps the one-shot output', () => {
    const text = '```js\nconst a = "<b>";\n```';
    const html = renderChatMarkdown(text);
    expect(html).toContain('class="hljs language-js"');
    expect(html).toContain('<span class="hljs-keyword">const</span>');
    expect(html).toContain('&lt;b&gt;');
  });

  it('starts over when the text is replaced (regenerate)', () => {
    const renderer = new StreamRenderer();
    renderer.update('first answer\n\nwith two blocks');
    renderer.update('another');
    expect(renderer.html).toBe('<p>another</p>\n');
  });

  it('renders a long answer streamed word by word like the one-shot render', () => {
    const words = Array.from({ length: 300 }, (_, i) =>
      i % 40 === 39 ? 'word.\n\n' : i % 100 === 0 ? '\n\n```js\nlet x = 1;\n```\n\n' : 'word ',
    );
    const renderer = new StreamRenderer();
    let text = '';
    for (const word of words) renderer.update((text += word));
    expect(renderer.html).toBe(renderChatMarkdown(text));
    expect(renderer.blocks.length).toBeGreaterThan(10);
  }, 20_000);
});
