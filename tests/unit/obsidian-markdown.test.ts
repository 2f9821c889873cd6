// @vitest-environment jsdom
// Obsidian-flavoured Markdown in note previews: callouts, highlights, inline tags, comments, task
// lists and links to headings, checked on the DOM the sanitized HTML parses into.
import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../src/lib/markdown/render';
import { renderChatMarkdown } from '../../src/lib/markdown/stream-render';

function dom(markdown: string): HTMLElement {
  const html = renderMarkdown(markdown, { notePath: 'notes/here.md', noteId: 'here' });
  return new DOMParser().parseFromString(`<body>${html}</body>`, 'text/html').body;
}

const text = (el: Element | null | undefined): string => el?.textContent?.trim() ?? '';

describe('callouts', () => {
  it('renders a typed callout with its title and body', () => {
    const body = dom('> [!warning] Mind the **gap**\n> Between the train and the platform.');
    const callout = body.querySelector('.callout');
    expect(callout?.tagName).toBe('DIV');
    expect(callout?.getAttribute('data-callout')).toBe('warning');
    expect(callout?.getAttribute('role')).toBe('note');
    expect(text(callout?.querySelector('.callout-title'))).toBe('Mind the gap');
    expect(callout?.querySelector('.callout-title strong')?.textContent).toBe('gap');
    expect(text(callout?.querySelector('.callout-content'))).toBe(
      'Between the train and the platform.',
    );
    expect(body.querySelector('blockquote')).toBeNull();
  });

  it('titles a callout after its type when it has no title, in any case', () => {
    expect(text(dom('> [!NOTE]\n> x').querySelector('.callout-title'))).toBe('Note');
    expect(text(dom('> [!my-custom_type]\n> x').querySelector('.callout-title'))).toBe(
      'My custom type',
    );
  });

  it('maps aliases to their kind and unknown types to the generic look', () => {
    const kinds = Object.entries({
      summary: 'abstract',
      tldr: 'abstract',
      hint: 'tip',
      important: 'tip',
      check: 'success',
      done: 'success',
      help: 'question',
      faq: 'question',
      caution: 'warning',
      attention: 'warning',
      fail: 'failure',
      missing: 'failure',
      error: 'danger',
      cite: 'quote',
      bug: 'bug',
      example: 'example',
      todo: 'todo',
      info: 'info',
      whatever: 'generic',
    }).map(([type]) => [
      type,
      dom(`> [!${type}]\n> x`).querySelector('.callout')?.getAttribute('data-callout'),
    ]);
    expect(Object.fromEntries(kinds)).toEqual({
      summary: 'abstract',
      tldr: 'abstract',
      hint: 'tip',
      important: 'tip',
      check: 'success',
      done: 'success',
      help: 'question',
      faq: 'question',
      caution: 'warning',
      attention: 'warning',
      fail: 'failure',
      missing: 'failure',
      error: 'danger',
      cite: 'quote',
      bug: 'bug',
      example: 'example',
      todo: 'todo',
      info: 'info',
      whatever: 'generic',
    });
  });

  it('folds with - (closed) and + (open) as <details>', () => {
    const closed = dom('> [!tip]- Folded\n> Hidden until opened.').querySelector('.callout');
    expect(closed?.tagName).toBe('DETAILS');
    expect(closed?.hasAttribute('open')).toBe(false);
    expect(text(closed?.querySelector('summary'))).toBe('Folded');
    const open = dom('> [!faq]+ Open\n> Shown.').querySelector('.callout');
    expect(open?.tagName).toBe('DETAILS');
    expect(open?.hasAttribute('open')).toBe(true);
  });

  it('nests callouts and keeps lists and code in the body', () => {
    const body = dom(
      '> [!example] Outer\n> - one\n> - two\n>\n> ```js\n> let a = 1;\n> ```\n> > [!bug] Inner\n> > deep',
    );
    const outer = body.querySelector('.callout');
    expect(outer?.querySelectorAll('li')).toHaveLength(2);
    expect(text(outer?.querySelector('pre code'))).toBe('let a = 1;');
    const inner = outer?.querySelector('.callout-content .callout');
    expect(inner?.getAttribute('data-callout')).toBe('bug');
    expect(text(inner?.querySelector('.callout-content'))).toBe('deep');
  });

  it('leaves plain blockquotes and a callout marker in running text alone', () => {
    const body = dom('> just a quote\n\nSee [!note] in text.');
    expect(body.querySelector('blockquote')).not.toBeNull();
    expect(body.querySelector('.callout')).toBeNull();
    expect(text(body.querySelector('body > p'))).toBe('See [!note] in text.');
  });

  it('a callout line ends the paragraph above it', () => {
    const body = dom('Before\n> [!info] Title\n> body');
    expect(text(body.querySelector('p'))).toBe('Before');
    expect(body.querySelector('.callout')).not.toBeNull();
  });
});

describe('highlights', () => {
  it('turns ==text== into <mark>, with Markdown inside', () => {
    const body = dom('A ==very **bold** claim== here.');
    expect(body.querySelector('mark')?.innerHTML).toBe('very <strong>bold</strong> claim');
  });

  it('needs text right inside the marks and leaves code alone', () => {
    const body = dom('a == b, x === y, == spaced ==, `==code==`');
    expect(body.querySelector('mark')).toBeNull();
    expect(text(body.querySelector('code'))).toBe('==code==');
  });
});

describe('inline tags', () => {
  const tags = (markdown: string): string[] =>
    [...dom(markdown).querySelectorAll('a.tag')].map((a) => a.getAttribute('data-tag') ?? '');

  it('renders #tags, nested and in any script, as chips that search for them', () => {
    const body = dom('Filed under #project/alpha and #日本語 and #café.');
    const chips = [...body.querySelectorAll('a.tag')];
    expect(chips.map((c) => c.getAttribute('data-tag'))).toEqual([
      'project/alpha',
      '日本語',
      'café',
    ]);
    expect(chips[0]?.getAttribute('href')).toBe('/search?q=%23project%2Falpha');
    expect(text(chips[0])).toBe('#project/alpha');
    expect(text(body)).toBe('Filed under #project/alpha and #日本語 and #café.');
  });

  it('skips code, headings, URL fragments, numbers, words and links', () => {
    expect(
      tags(
        [
          '# Heading',
          '',
          'Issue #123, C# and x#y, `#code`, https://example.com/page#part, [see #no](https://x.org)',
          '',
          '```',
          '#not-in-code',
          '```',
          '',
          '[[Note#Heading]] and #yes-1984',
        ].join('\n'),
      ),
    ).toEqual(['yes-1984']);
  });

  it('finds tags at the start of a line, in headings, lists and emphasis', () => {
    expect(tags('#first\n\n## Plan #roadmap\n\n- item #todo\n\n*#emph*\n\n#a/b/')).toEqual([
      'first',
      'roadmap',
      'todo',
      'emph',
      'a/b',
    ]);
  });
});

describe('comments', () => {
  it('hides %%inline%% and multi-line comments, tags in them included', () => {
    const body = dom('Shown %%hidden #secret%% too.\n\n%%\nA whole\n\nhidden block\n%%\n\nAfter.');
    expect(text(body)).toBe('Shown  too.\nAfter.');
    expect(body.textContent).not.toContain('hidden');
    expect(body.querySelector('a.tag')).toBeNull();
  });

  it('keeps %% in code, and an unclosed %% hides the rest as in Obsidian', () => {
    const body = dom('`50%% off`\n\n```\nfmt %%d\n```\n\nVisible. %% never closed\n\nGone.');
    expect(text(body.querySelector('p code'))).toBe('50%% off');
    expect(text(body.querySelector('pre'))).toBe('fmt %%d');
    expect(body.textContent).toContain('Visible.');
    expect(body.textContent).not.toContain('Gone');
  });
});

describe('task lists', () => {
  it('renders read-only checkboxes with a name, and no other form control', () => {
    const body = dom('- [ ] open\n- [x] done\n  - [X] nested\n\n<input type="text" autofocus>');
    const boxes = [...body.querySelectorAll('input')];
    expect(boxes).toHaveLength(3);
    for (const box of boxes) {
      expect(box.getAttribute('type')).toBe('checkbox');
      expect(box.hasAttribute('disabled')).toBe(true);
    }
    expect(boxes.map((b) => b.hasAttribute('checked'))).toEqual([false, true, true]);
    expect(boxes.map((b) => b.getAttribute('aria-label'))).toEqual(['Not done', 'Done', 'Done']);
    expect(body.textContent).toContain('<input type="text" autofocus>');
  });

  it('gives chat answers the same safe checkboxes', () => {
    const html = renderChatMarkdown('- [x] shipped');
    const box = new DOMParser().parseFromString(html, 'text/html').querySelector('input');
    expect(box?.hasAttribute('disabled')).toBe(true);
    expect(box?.getAttribute('aria-label')).toBe('Done');
  });
});

describe('wikilinks', () => {
  const links = (markdown: string) =>
    [...dom(markdown).querySelectorAll('a.wikilink')].map((a) => ({
      href: a.getAttribute('href'),
      target: a.getAttribute('data-wikilink'),
      text: a.textContent,
    }));

  it('links to notes, headings and same-note headings, with or without an alias', () => {
    expect(
      links('[[Plans]] [[Plans|the plan]] [[Plans#Next steps]] [[Plans#Next|soon]] [[#Local]]'),
    ).toEqual([
      { href: '/go/Plans', target: 'Plans', text: 'Plans' },
      { href: '/go/Plans', target: 'Plans', text: 'the plan' },
      { href: '/go/Plans%23Next%20steps', target: 'Plans#Next steps', text: 'Plans › Next steps' },
      { href: '/go/Plans%23Next', target: 'Plans#Next', text: 'soon' },
      { href: '/go/%23Local', target: '#Local', text: 'Local' },
    ]);
  });

  it('turns Markdown links to notes into note links, relative to the note', () => {
    expect(links('[the plan](../Plans%20B.md#Goals) and [web](https://example.com)')).toEqual([
      { href: '/go/Plans%20B.md%23Goals', target: 'Plans B.md#Goals', text: 'the plan' },
    ]);
  });
});
