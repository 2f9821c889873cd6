// @vitest-environment jsdom
// Links to other sites open in a new tab however the address is spelled, so a click never takes
// the app's own tab away; links within the app stay in it.
import { expect, it } from 'vitest';
import { renderMarkdown } from '../../src/lib/markdown/render';

const anchor = (markdown: string): Element | null =>
  new DOMParser().parseFromString(renderMarkdown(markdown), 'text/html').querySelector('a');

it.each(['https://evil.example/a', '//evil.example/a', 'HTTP://evil.example'])(
  'opens %s in a new tab, without opener or referrer',
  (href) => {
    const link = anchor(`[x](${href})`);
    expect(link?.getAttribute('target')).toBe('_blank');
    expect(link?.getAttribute('rel')).toBe('noopener noreferrer');
  },
);

it.each(['/search?q=x', '#top', 'mailto:a@b.example'])('keeps %s in the tab', (href) => {
  expect(anchor(`[x](${href})`)?.hasAttribute('target')).toBe(false);
});
