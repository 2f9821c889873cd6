// @vitest-environment jsdom
// Imported notes are untrusted: every Obsidian construct must come out inert, whatever is
// written in a callout title, an embed target, an alias, a tag or a file name — and whatever an
// embedded note or a stored file is called.
import { describe, expect, it } from 'vitest';
import { dangers } from './html-dangers';
import { renderWithVault, type TestVault } from './markdown-vault';

const hostileVault: TestVault = {
  notes: {
    'Evil.md':
      '<script>window.__xss = 1</script>\n\n<img src=x onerror="window.__xss=2">\n\n[x](javascript:alert(1))',
    'Quote".md': '> [!note] <img src=x onerror=alert(1)>\n> body',
  },
  files: {
    'a" onerror="alert(1).png': 'image/png',
    '<svg onload=alert(1)>.pdf': 'application/pdf',
    'x.svg': 'image/svg+xml',
  },
};

const payloads: Record<string, string> = {
  'callout title with HTML':
    '> [!note] <img src=x onerror="alert(1)"> <script>alert(1)</script>\n> body',
  'callout title with a javascript: link': '> [!tip]- [click](javascript:alert(1))\n> body',
  'callout type with quotes and tags': '> [!"><script>alert(1)</script>]\n> body',
  'callout type breaking the attribute': "> [!note' onmouseover='alert(1)]+ x\n> body",
  'embed target with quotes': '![[x" onerror="alert(1)]]',
  'embed target with a tag': '![[<img src=x onerror=alert(1)>]]',
  'embed target as javascript:': '![[javascript:alert(1)]]',
  'embed with a hostile alias': '![[img.png|"><img src=x onerror=alert(1)>]]',
  'embedded note full of script': '![[Evil]]',
  'embedded note with a hostile name and callout': '![[Quote"]]',
  'file with a quote in its name': '![[a" onerror="alert(1).png]]',
  'pdf with a tag in its name': '![[<svg onload=alert(1)>.pdf]]',
  'svg image': '![[x.svg]]',
  'wikilink alias with quotes and brackets': '[[Note|a" onmouseover="alert(1)"><b>x</b>]]',
  'wikilink target with quotes': '[[Note" onclick="alert(1)#h]]',
  'heading link with script': '[[Note#<script>alert(1)</script>]]',
  'tag next to HTML': '#tag<img src=x onerror=alert(1)> #a"b',
  'highlight around HTML': '==<img src=x onerror=alert(1)>== ==[x](javascript:alert(1))==',
  'javascript: image target': '![x](javascript:alert(1))',
  'javascript: image with spaces': '![x]( javascript:alert(1) )',
  'vbscript: image target': '![x](VBScript:msgbox(1))',
  'data: html link': '[x](data:text/html,<script>alert(1)</script>)',
  'remote image': '![x](https://tracker.example/p.png)',
  'protocol-relative image': '![x](//tracker.example/p.png)',
  'raw input element': '<input type="text" onfocus="alert(1)" autofocus>',
  'raw details with handler': '<details open ontoggle="alert(1)"><summary>x</summary>y</details>',
  'comment hiding a closing tag': '%%</p><script>alert(1)</script>%% <b>ok</b>',
  'unclosed comment after HTML': '<div>\n\n%% <script>alert(1)</script>',
  'task item with HTML': '- [x] <img src=x onerror=alert(1)>',
  'markdown link to a file with quotes': '[doc](a%22%20onerror%3D%22alert(1).png)',
};

describe('note Markdown is inert', () => {
  for (const [name, payload] of Object.entries(payloads)) {
    it(`neutralises: ${name}`, async () => {
      const { html, doc } = await renderWithVault(`Note:\n\n${payload}\n\nThe end.`, hostileVault, {
        notePath: 'Here.md',
      });
      expect(dangers(html)).toEqual([]);
      // Every URL left is in-app, an issued object URL, a plain web link (opened elsewhere), or
      // a stored SVG's image drawn from a data: URL.
      for (const el of doc.querySelectorAll('[href], [src]')) {
        const url = el.getAttribute('href') ?? el.getAttribute('src') ?? '';
        expect(url).toMatch(
          el.tagName === 'IMG'
            ? /^(blob:http:\/\/localhost\/test-|data:image\/svg\+xml;base64,)/
            : /^(\/(?!\/)|blob:http:\/\/localhost\/test-|https:\/\/|#)/,
        );
      }
    });
  }

  it('keeps hostile names as visible text, not markup', async () => {
    const { doc } = await renderWithVault(
      '> [!note] <b>bold?</b> <img src=x>\n> body\n\n[[Note|<i>alias</i>]]\n\n![[a" onerror="alert(1).png]]',
      hostileVault,
    );
    expect(doc.querySelector('.callout-title')?.textContent).toContain('<img src=x>');
    expect(doc.querySelector('a.wikilink')?.textContent).toBe('<i>alias</i>');
    expect(doc.querySelector('img')?.getAttribute('alt')).toBe('a" onerror="alert(1).png');
    expect(doc.querySelector('img')?.getAttribute('src')).toMatch(/^blob:/);
  });

  it('renders an embedded hostile note as text inside the embed', async () => {
    const { html, doc } = await renderWithVault('![[Evil]]', hostileVault);
    expect(doc.querySelector('.embed-content')?.textContent).toContain(
      '<script>window.__xss = 1</script>',
    );
    expect(doc.querySelector('.embed-content a')?.hasAttribute('href')).toBe(false);
    expect(dangers(html)).toEqual([]);
  });
});
