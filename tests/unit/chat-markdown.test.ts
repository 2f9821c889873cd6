// @vitest-environment jsdom
// Model output is untrusted input: hostile Markdown and HTML must come out inert. jsdom provides
// the DOM DOMPurify needs; the result is parsed again and searched for anything executable.
import { describe, expect, it } from 'vitest';
import { StreamRenderer, renderChatMarkdown } from '../../src/lib/markdown/stream-render';
import { dangers } from './html-dangers';

const payloads: Record<string, string> = {
  'script tag': '<script>window.__xss = 1</script>',
  'onerror attribute': '<img src=x onerror="window.__xss = 2">',
  'javascript: link': '[click me](javascript:window.__xss=3)',
  'javascript: link, obfuscated':
    '[a](JaVaScRiPt:alert(1)) [b](java&#x09;script:alert(1)) [c](&#106;avascript:alert(1))',
  'raw javascript: anchor': '<a href="javascript:alert(1)">x</a>',
  'autolink javascript': '<javascript:alert(1)>',
  'svg onload': '<svg onload="alert(1)"><circle r="1"/></svg>',
  'svg with script': '<svg><script>alert(1)</script></svg>',
  'math mXSS':
    '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>',
  'closing code in a code block':
    '```html\n</code></pre><script>alert(1)</script><img src=x onerror=alert(1)>\n```',
  'closing code in inline code': '`</code><script>alert(1)</script>`',
  'markdown image with onerror': '![x" onerror="alert(1)](http://x/y.png)',
  'image with javascript src': '![x](javascript:alert(1))',
  'data: URL link': '[data](data:text/html,<script>alert(1)</script>)',
  'data: URL image (svg)': '![svg](data:image/svg+xml,<svg onload=alert(1)>)',
  iframe: '<iframe src="javascript:alert(1)"></iframe>',
  'details ontoggle': '<details open ontoggle="alert(1)">x</details>',
  'style tag': '<style>body{background:url(https://evil.example/x)}</style>',
  'form and button':
    '<form action="https://evil.example"><button formaction="javascript:alert(1)">go</button></form>',
  'html in a link title': '[t](https://example.com "a\\" onmouseover=\\"alert(1)")',
  'object and embed': '<object data="x.swf"></object><embed src="x.swf">',
  'meta refresh': '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
  'base href': '<base href="https://evil.example/">',
  'unclosed tag spanning blocks': '<div>\n\n<img src=x onerror=alert(1)>\n\ntext',
};

describe('chat Markdown is inert', () => {
  it('has a checker that sees dangerous HTML (so a pass means something)', () => {
    expect(dangers('<img src=x onerror="alert(1)">')).toEqual(['img[onerror]']);
    expect(dangers('<a href=" java\tscript:alert(1)">x</a>')).toHaveLength(1);
    expect(dangers('<a href="data:text/html,x">x</a><script></script>')).toHaveLength(2);
  });

  for (const [name, payload] of Object.entries(payloads)) {
    it(`neutralises: ${name}`, () => {
      const html = renderChatMarkdown(`Answer:\n\n${payload}\n\nThe end.`);
      expect(dangers(html)).toEqual([]);
      const streamed = new StreamRenderer();
      const text = `Answer:\n\n${payload}\n\nThe end.`;
      for (let at = 1; at <= text.length; at += 5) {
        expect(dangers(streamed.update(text.slice(0, at)) && streamed.html)).toEqual([]);
      }
    });
  }

  it('shows a code block holding </code><script> as text', () => {
    const html = renderChatMarkdown('```\n</code></pre><script>alert(1)</script>\n```');
    const doc = new DOMParser().parseFromString(html, 'text/html');
    expect(doc.querySelector('script')).toBeNull();
    expect(doc.querySelector('pre code')?.textContent).toBe(
      '</code></pre><script>alert(1)</script>\n',
    );
  });

  it('gives every link rel="noopener noreferrer" and opens other sites in a new tab', () => {
    const html = renderChatMarkdown(
      '[site](https://example.com) and [local](/notes/x) and <https://a.example>',
    );
    const doc = new DOMParser().parseFromString(html, 'text/html');
    const links = [...doc.querySelectorAll('a')];
    expect(links).toHaveLength(3);
    for (const link of links) expect(link.getAttribute('rel')).toBe('noopener noreferrer');
    expect(links.map((l) => l.getAttribute('target'))).toEqual(['_blank', null, '_blank']);
  });

  it('drops the href of javascript: links but keeps their text', () => {
    const html = renderChatMarkdown('[click me](javascript:alert(1))');
    expect(html).toContain('click me');
    expect(html).not.toMatch(/javascript:/i);
  });

  it('never loads remote images', () => {
    const html = renderChatMarkdown('![cat](https://tracker.example/pixel.png)');
    const img = new DOMParser().parseFromString(html, 'text/html').querySelector('img');
    expect(img?.hasAttribute('src')).toBe(false);
    expect(img?.getAttribute('alt')).toContain('remote image not loaded');
  });
});
