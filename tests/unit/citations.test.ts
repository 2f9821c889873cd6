// @vitest-environment jsdom
// Citations in grounded answers: which source numbers an answer cites (citedNumbers), and the
// marked extension that turns `[n]` into links to the passage, checked on the DOM the sanitized
// HTML parses into, and against each other.
import { Marked } from 'marked';
import { describe, expect, it } from 'vitest';
import { citedNumbers } from '../../src/lib/assistant/citations';
import { citationExtension, maxRangeSpan } from '../../src/lib/markdown/citation-links';
import { filterRawHtml } from '../../src/lib/markdown/raw-html';
import { sanitizeHtml } from '../../src/lib/markdown/sanitize';

describe('citedNumbers', () => {
  const cases: [string, string, number, number[], number[]][] = [
    ['a single marker', 'Slept badly [1].', 3, [1], []],
    ['a list with a space', 'See [1, 3].', 3, [1, 3], []],
    ['a list without a space', 'See [1,3].', 3, [1, 3], []],
    ['a list with semicolons', 'See [1; 2].', 3, [1, 2], []],
    ['adjacent markers', 'See [2][4].', 4, [2, 4], []],
    ['a range', 'See [1-3].', 5, [1, 2, 3], []],
    ['an en-dash range', 'See [2–3].', 5, [2, 3], []],
    ['out of range', 'See [2] and [7] and [0].', 3, [2], [0, 7]],
    ['a range past the end', 'See [2-4].', 3, [2, 3], [4]],
    ['repeats, once each, ascending', '[3] then [1] then [3, 1].', 3, [1, 3], []],
    ['emphasis, headings, lists', '# On [1]\n\n- **[2]**\n- _x [3]_', 3, [1, 2, 3], []],
    ['a table cell', '| a | b |\n|---|---|\n| x [2] | y |', 3, [2], []],
    ['no sources at all', 'See [1].', 0, [], [1]],
  ];
  it.each(cases)('reads %s', (_, markdown, count, cited, unknown) => {
    expect(citedNumbers(markdown, count)).toEqual({ cited, unknown });
  });

  const ignored: [string, string][] = [
    ['a fenced code block', '```\nx = a[1]\n```'],
    ['a tilde fence', '~~~py\nprint(a[1, 2])\n~~~'],
    ['an indented code block', 'Code:\n\n    a[1] = 2'],
    ['an inline code span', 'Use `a[1]` here.'],
    ['a double-backtick code span', 'Use ``a[1]`` here.'],
    ['an inline link', 'See [1](https://example.com).'],
    ['link text', 'See [the note [1]](https://example.com).'],
    ['a defined shortcut reference', 'See [1].\n\n[1]: https://example.com'],
    ['a defined full reference', 'See [2][1].\n\n[1]: https://example.com'],
    ['task boxes', '- [ ] one\n- [x] two'],
    ['a footnote', 'True[^1].\n\n[^1]: Because.'],
    ['escaped brackets', 'Literally \\[1\\] and \\[2].'],
    ['words in brackets', 'See [source one] and [a1].'],
    [`a range wider than ${maxRangeSpan}`, 'See [1-500].'],
    ['a backwards range', 'See [3-1].'],
  ];
  it.each(ignored)('ignores %s', (_, markdown) => {
    expect(citedNumbers(markdown, 5)).toEqual({ cited: [], unknown: [] });
  });

  it('still reads markers next to ignored ones', () => {
    const markdown = 'Use `a[1]` as in [2]; see [3](https://x.example) and [4].\n\n```\n[5]\n```';
    expect(citedNumbers(markdown, 9)).toEqual({ cited: [2, 4], unknown: [] });
  });

  it('reads an undefined collapsed reference and CRLF text', () => {
    expect(citedNumbers('See [1][].\r\nAnd [2].\r\n', 3)).toEqual({ cited: [1, 2], unknown: [] });
  });
});

const href = (n: number): string => `#/notes/note-${n}?at=${n * 10}-${n * 10 + 5}`;

function render(markdown: string, count: number, link = href): HTMLElement {
  // The chat renderer's options and raw-HTML filter (stream-render.ts), plus the extension.
  const marked = new Marked({ gfm: true, breaks: true, async: false });
  marked.use({
    extensions: [citationExtension({ count, href: link })],
    renderer: { html: ({ text }) => filterRawHtml(text) },
  });
  const html = sanitizeHtml(marked.parse(markdown) as string);
  return new DOMParser().parseFromString(`<body>${html}</body>`, 'text/html').body;
}

const cites = (body: HTMLElement): HTMLAnchorElement[] => [
  ...body.querySelectorAll<HTMLAnchorElement>('a.cite'),
];

describe('citation links', () => {
  it('links an in-range marker to its passage, and DOMPurify keeps class, href and data-source', () => {
    const [a, ...rest] = cites(render('Slept badly [2].', 3));
    expect(rest).toHaveLength(0);
    expect(a?.getAttribute('href')).toBe('#/notes/note-2?at=20-25');
    expect(a?.getAttribute('data-source')).toBe('2');
    expect(a?.className).toBe('cite');
    expect(a?.textContent).toBe('[2]');
    expect(a?.getAttribute('rel')).toBe('noopener noreferrer');
    expect(a?.hasAttribute('target')).toBe(false);
  });

  it('links each number of a list, range or run of markers', () => {
    const body = render('A [1, 3]. B [2][3]. C [1-2].', 3);
    expect(cites(body).map((a) => a.dataset.source)).toEqual(['1', '3', '2', '3', '1', '2']);
    expect(body.textContent?.trim()).toBe('A [1][3]. B [2][3]. C [1][2].');
  });

  it('shows an out-of-range marker as plain text, exactly as written', () => {
    const body = render('See [7] and [0] and [ 9 ].', 3);
    expect(cites(body)).toHaveLength(0);
    expect(body.querySelector('a')).toBeNull();
    expect(body.textContent?.trim()).toBe('See [7] and [0] and [ 9 ].');
  });

  it('links the in-range part of a mixed list and leaves the rest as text', () => {
    const body = render('See [2, 9].', 3);
    expect(cites(body).map((a) => a.dataset.source)).toEqual(['2']);
    expect(body.textContent?.trim()).toBe('See [2][9].');
  });

  it('leaves code, links, task boxes and footnotes alone', () => {
    const markdown = [
      'Use `a[1]`, see [1](https://example.com) or [x][1].',
      '',
      '- [ ] [2] to do',
      '- [x] done',
      '',
      '```',
      'b[3]',
      '```',
      '',
      '[1]: https://example.org',
    ].join('\n');
    const body = render(markdown, 3);
    expect(cites(body).map((a) => a.dataset.source)).toEqual(['2']);
    expect(body.querySelector('code')?.textContent).toBe('a[1]');
    expect(body.querySelector('pre')?.textContent).toContain('b[3]');
    expect(body.querySelectorAll('input[type=checkbox]')).toHaveLength(2);
    expect(body.querySelector('a[href="https://example.org"]')?.textContent).toBe('x');
  });

  it('escapes a hostile href, and DOMPurify drops a script URL', () => {
    const hostile = render('See [1].', 1, () => '"><img src=x onerror=alert(1)>');
    expect(hostile.querySelector('img')).toBeNull();
    expect(hostile.querySelector('[onerror]')).toBeNull();
    expect(cites(hostile)[0]?.getAttribute('href')).toBe('"><img src=x onerror=alert(1)>');

    const script = render('See [1].', 1, () => 'javascript:alert(1)');
    expect(cites(script)[0]?.hasAttribute('href')).toBe(false);
    expect(cites(script)[0]?.textContent).toBe('[1]');
  });

  it('keeps hostile text around markers inert', () => {
    const body = render('<img src=x onerror=alert(1)> [1] <script>alert(1)</script>', 1);
    expect(body.querySelector('img,script,[onerror]')).toBeNull();
    expect(cites(body)).toHaveLength(1);
  });

  it('agrees with citedNumbers on what is cited', () => {
    const answers = [
      'Slept [1], walked [2, 5]; ran [3-4] and [9].',
      '`[1]` **[2]** [x] [^3] [4](u) [5][6]\n\n    [7]\n\n> quoted [8]',
      '| [1] | [2][3] |\n|---|---|\n| ~~[4]~~ | [10] |',
      'See [1][].\n\n[1]: https://example.com\n\nand [2].',
    ];
    for (const answer of answers) {
      const linked = [...new Set(cites(render(answer, 8)).map((a) => Number(a.dataset.source)))];
      expect(linked.sort((a, b) => a - b)).toEqual(citedNumbers(answer, 8).cited);
    }
  });
});
