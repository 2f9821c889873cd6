// @vitest-environment jsdom
// A saved reflection or weekly review: its name beside the journal (never the entry's own, never
// an existing file's), its frontmatter, the [[wikilink]] back to the entry, and titles or paths
// that try to break the YAML, the link or the page.
import { describe, expect, it } from 'vitest';
import {
  buildReflectionNote,
  linkTarget,
  wikilinkTo,
  type ReflectionNoteInput,
} from '../../src/lib/assistant/reflection-note';
import {
  preferredPath,
  reflectionBaseName,
  reviewBaseName,
  savePath,
} from '../../src/lib/assistant/reflection-naming';
import { deriveMeta } from '../../src/lib/vault/derive';
import { readFrontmatter, splitFrontmatter } from '../../src/lib/vault/frontmatter';
import { renderMarkdown } from '../../src/lib/markdown/render';
import { renderCitedMarkdown } from '../../src/lib/markdown/cited-markdown';
import { dangers } from './html-dangers';

describe('reflection names', () => {
  it('names a reflection after its day and a review after its ISO week', () => {
    expect(preferredPath(reflectionBaseName('2026-03-18'))).toBe(
      'journal/2026-03-18.reflection.md',
    );
    expect(preferredPath(reviewBaseName({ year: 2026, week: 1 }))).toBe(
      'journal/2026-W01.review.md',
    );
    expect(() => reflectionBaseName('2026-02-30')).toThrow(RangeError);
  });

  it('never takes a name in use, whatever its case', () => {
    const taken = new Set([
      'journal/2026-03-18.reflection.md',
      'journal/2026-03-18.reflection 2.md',
    ]);
    const isTaken = (p: string) => taken.has(p.toLowerCase());
    expect(savePath('2026-03-18.reflection', isTaken)).toBe('journal/2026-03-18.reflection 3.md');
    expect(savePath('2026-03-18.reflection', () => false)).toBe('journal/2026-03-18.reflection.md');
    expect(
      savePath(
        '2026-03-18.Reflection',
        (p) => p.toLowerCase() === 'journal/2026-03-18.reflection.md',
      ),
    ).toBe('journal/2026-03-18.Reflection 2.md');
  });

  it('is not read as a journal entry (its own note, with the entry day as its date)', () => {
    const content = buildReflectionNote(input());
    const meta = deriveMeta('journal/2026-03-18.reflection.md', content, '2030-01-01');
    expect(meta.kind).toBe('note');
    expect(meta.date).toBe('2026-03-18');
    expect(meta.title).toBe('Reflection on A calm day');
  });
});

function input(over: Partial<ReflectionNoteInput> = {}): ReflectionNoteInput {
  return {
    kind: 'reflection',
    title: 'Reflection on A calm day',
    period: '2026-03-18',
    about: [{ path: 'journal/2026-03-18.md', title: 'A calm day', date: '2026-03-18' }],
    text: 'You slept well [1] and walked more than last year [2].',
    sources: [
      { path: 'journal/2026-03-18.md', title: 'A calm day', date: '2026-03-18' },
      { path: 'journal/2025-03-18.md', title: 'Last spring', date: '2025-03-18' },
    ],
    modelName: 'Tiny Llama',
    createdAt: new Date('2026-03-18T20:00:00Z'),
    ...over,
  };
}

describe('buildReflectionNote', () => {
  it('writes kind, day, entry and model in the frontmatter and links back to the entry', () => {
    const content = buildReflectionNote(input());
    const fm = readFrontmatter(content);
    expect(fm).toMatchObject({
      kind: 'reflection',
      date: '2026-03-18',
      title: 'Reflection on A calm day',
      entries: ['journal/2026-03-18.md'],
      model: 'Tiny Llama',
      created: '2026-03-18T20:00:00.000Z',
    });
    const { body } = splitFrontmatter(content);
    expect(body).toContain('Reflection on [[journal/2026-03-18|A calm day]].');
    expect(body).toContain('You slept well [1] and walked more than last year [2].');
    expect(body).toContain('## Sources\n\n1. [[journal/2026-03-18|A calm day]] · 2026-03-18\n2. ');
  });

  it('writes a review with its week and a link to each entry of the week', () => {
    const content = buildReflectionNote(
      input({
        kind: 'review',
        title: 'Weekly review 2026-W12',
        period: '2026-W12',
        about: [
          { path: 'journal/2026-03-16.md', title: 'Monday', date: '2026-03-16' },
          { path: 'journal/2026-03-18.md', title: 'Wednesday', date: '2026-03-18' },
        ],
      }),
    );
    expect(readFrontmatter(content)).toMatchObject({ kind: 'review', week: '2026-W12' });
    expect(readFrontmatter(content)['date']).toBeUndefined();
    expect(splitFrontmatter(content).body).toContain(
      'Weekly review of 2026-W12: [[journal/2026-03-16|Monday]], [[journal/2026-03-18|Wednesday]].',
    );
  });

  it('keeps a model answer that starts with a YAML fence in the body', () => {
    const content = buildReflectionNote(input({ text: '---\nkind: journal\n---\nSneaky.' }));
    expect(readFrontmatter(content)['kind']).toBe('reflection');
    expect(splitFrontmatter(content).body).toContain('---\nkind: journal\n---\nSneaky.');
  });

  const hostileTitles = [
    'x]] [[evil',
    'a|b',
    'line\nbreak: yes\nkind: journal',
    '"quoted": {yaml}',
    '<img src=x onerror="window.__pwned=1">',
    '--- \n...',
    '#tag ^block',
  ];

  it.each(hostileTitles)('a hostile title stays inside its link and its field: %j', (title) => {
    const content = buildReflectionNote(
      input({
        title: `Reflection on ${title}`,
        about: [{ path: 'journal/2026-03-18.md', title, date: '2026-03-18' }],
      }),
    );
    const fm = readFrontmatter(content);
    expect(fm['title']).toBe(`Reflection on ${title}`);
    expect(fm['kind']).toBe('reflection');
    const html = renderMarkdown(splitFrontmatter(content).body);
    expect(dangers(html)).toEqual([]);
    const doc = new DOMParser().parseFromString(html, 'text/html');
    const links = [...doc.querySelectorAll('a[data-wikilink]')].map((a) =>
      a.getAttribute('data-wikilink'),
    );
    expect(links[0]).toBe('journal/2026-03-18');
    expect(links.every((l) => l === 'journal/2026-03-18' || l === 'journal/2025-03-18')).toBe(true);
  });

  it('writes a path that cannot be a link target as plain, escaped text', () => {
    expect(linkTarget('journal/odd]] name.md')).toBeNull();
    expect(linkTarget('journal/a#b.md')).toBeNull();
    expect(linkTarget('journal/2026-03-18.md')).toBe('journal/2026-03-18');
    const text = wikilinkTo({ path: 'j/x]]|y.md', title: '<b>[[x]]</b>', date: '' });
    expect(text).not.toContain('[[');
    const html = renderMarkdown(text);
    expect(html).not.toContain('<b>');
    expect(html).not.toContain('data-wikilink');
  });
});

describe('renderCitedMarkdown', () => {
  const links = { count: 2, href: (n: number) => `/notes/n${n}?at=0-10` };

  it('links markers that point at a source and leaves others as text', () => {
    const html = renderCitedMarkdown('Slept [1], walked [2][5], `[1]` in code.', links);
    const doc = new DOMParser().parseFromString(html, 'text/html');
    const hrefs = [...doc.querySelectorAll('a.cite')].map((a) => a.getAttribute('href'));
    expect(hrefs).toEqual(['/notes/n1?at=0-10', '/notes/n2?at=0-10']);
    expect(doc.body.textContent).toContain('[5]');
    expect(doc.querySelector('code')?.textContent).toBe('[1]');
  });

  it('renders hostile model output inert', () => {
    const html = renderCitedMarkdown(
      '<img src=x onerror="window.__pwned=1"> [x](javascript:alert(1)) <script>alert(1)</script> [1]',
      links,
    );
    expect(dangers(html)).toEqual([]);
  });
});
