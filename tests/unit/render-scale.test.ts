// @vitest-environment jsdom
// The block extensions' `start` (where an embed line or a callout may cut a paragraph) looks no
// further than the end of the current paragraph, so a note of many paragraphs renders in linear
// work. Work is counted as characters the regular expressions inside `start` pass over (marked
// asks `start` once per paragraph, with all the text after it).
import { afterEach, expect, it } from 'vitest';
import { Marked, type TokenizerAndRendererExtension } from 'marked';
import { calloutExtension } from '../../src/lib/markdown/callouts';
import { embedExtensions } from '../../src/lib/markdown/embeds';
import { withScope } from '../../src/lib/markdown/render-scope';
import { renderWithVault } from './markdown-vault';

// eslint-disable-next-line @typescript-eslint/unbound-method -- restored as it was, never called bare
const { exec } = RegExp.prototype;
afterEach(() => {
  RegExp.prototype.exec = exec;
});

/** Parses `note` with `extension` and returns the characters its `start` scanned. */
function startWork(extension: TokenizerAndRendererExtension, note: string): number {
  let scanned = 0;
  let inStart = false;
  RegExp.prototype.exec = function (this: RegExp, input: string) {
    const from = this.global || this.sticky ? this.lastIndex : 0;
    const found = exec.call(this, input);
    // A sticky expression only tries the one position.
    const end = this.sticky ? from + (found?.[0].length ?? 1) : found ? found.index : input.length;
    if (inStart) scanned += end - from;
    return found;
  };
  const start = (extension as { start?: (this: unknown, src: string) => number | undefined }).start;
  if (!start) throw new Error(`${extension.name} has no start`);
  const counted: TokenizerAndRendererExtension = {
    ...extension,
    start(this: unknown, src: string) {
      inStart = true;
      try {
        return start.call(this, src);
      } finally {
        inStart = false;
      }
    },
  };
  const marked = new Marked({ gfm: true });
  marked.use({ extensions: [counted] });
  withScope({}, note, () => marked.parse(note));
  RegExp.prototype.exec = exec;
  return scanned;
}

const paragraphs = (n: number) =>
  Array.from({ length: n }, (_, i) => `Paragraph ${i} with some words in it.`).join('\n\n');

it.each([
  ['callouts', calloutExtension],
  ['embed lines', embedExtensions((s) => s)[0]!],
])('%s: start scans each paragraph a bounded number of times', (_, extension) => {
  const note = paragraphs(4000) + '\n\n> [!tip] last\n\n![[Last]]\n';
  expect(startWork(extension, note)).toBeLessThan(3 * note.length);
});

it('still cuts a paragraph at an embed line or callout, also inside quotes and lists', async () => {
  const note = [
    'Text before\n![[Inner]]\nText after',
    '> quoted\n> ![[Inner]]',
    '- item\n  ![[Inner]]',
    'Para\n> [!note] Title\n> body',
    'Spaces then\n   \n![[Inner]]',
  ].join('\n\n');
  const { doc } = await renderWithVault(note, { notes: { 'Inner.md': 'inner text' } });
  expect(doc.querySelectorAll('.embed').length).toBe(4);
  expect(doc.querySelectorAll('.callout').length).toBe(1);
  expect(doc.querySelector('p')?.textContent).toBe('Text before');
});
