// `%%comments%%` are stripped in time linear in the note: a paragraph of many code spans is
// scanned once, not once per span. Work is counted as characters the regular expressions and
// indexOf calls of stripComments pass over.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { stripComments } from '../../src/lib/vault/comments';
import { extractInlineTags } from '../../src/lib/vault/inline-tags';

let scanned = 0;
// eslint-disable-next-line @typescript-eslint/unbound-method -- restored as it was, never called bare
const { exec } = RegExp.prototype;
// eslint-disable-next-line @typescript-eslint/unbound-method -- restored as it was, never called bare
const { indexOf } = String.prototype;

beforeEach(() => {
  scanned = 0;
  RegExp.prototype.exec = function (this: RegExp, input: string) {
    const from = this.global || this.sticky ? this.lastIndex : 0;
    const found = exec.call(this, input);
    // A sticky expression only tries the one position.
    const end = this.sticky ? from + (found?.[0].length ?? 1) : found ? found.index : input.length;
    scanned += end - from;
    return found;
  };
  String.prototype.indexOf = function (this: string, search: string, position?: number) {
    const found = indexOf.call(this, search, position);
    scanned += (found === -1 ? this.length : found) - (position ?? 0);
    return found;
  };
});

afterEach(() => {
  RegExp.prototype.exec = exec;
  String.prototype.indexOf = indexOf;
});

it('scans a paragraph of many code spans a bounded number of times', () => {
  const text = '%%c%% ' + '`a` '.repeat(10_000);
  expect(stripComments(text)).toBe(' ' + '`a` '.repeat(10_000));
  expect(scanned).toBeLessThan(10 * text.length);
});

it('keeps code spans that hold %% and closes them by run length as before', () => {
  expect(stripComments('a %%x%% `%%` b')).toBe('a  `%%` b');
  expect(stripComments('``a`%%b%%`` %%gone%%')).toBe('``a`%%b%%`` ');
  // An unclosed run is text: the comment after it is removed.
  expect(stripComments('`` a %%x%% b')).toBe('`` a  b');
  // A blank line ends the search for the closing backticks.
  expect(stripComments('`a\n\n%%x%%`')).toBe('`a\n\n`');
  expect(stripComments('\\``%%x%%` %%y%%')).toBe('\\``%%x%%` ');
});

it('derives tags from such a paragraph in linear work too', () => {
  const text = '%%c%% ' + '`a` '.repeat(10_000) + ' #tag';
  scanned = 0;
  expect(extractInlineTags(text)).toEqual(['tag']);
  expect(scanned).toBeLessThan(20 * text.length);
});
