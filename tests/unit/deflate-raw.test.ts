import { describe, expect, it } from 'vitest';
import { inflateSync } from 'fflate';
import { deflateRaw } from '../../src/lib/vault/deflate-raw';

const utf8 = (s: string) => new TextEncoder().encode(s);

describe('deflateRaw', () => {
  it('writes raw deflate that another inflater reads back exactly', async () => {
    const note = utf8('# Groceries\n\n- oats\n- apples\n'.repeat(40));
    const packed = await deflateRaw(note);
    expect(packed.length).toBeLessThan(note.length / 4);
    expect(inflateSync(packed)).toEqual(note);
  });

  it('handles an empty input and one larger than a stream chunk', async () => {
    expect(inflateSync(await deflateRaw(new Uint8Array()))).toEqual(new Uint8Array());
    const big = Uint8Array.from({ length: 300_000 }, (_, i) => (i * 7919) % 251);
    expect(inflateSync(await deflateRaw(big))).toEqual(big);
  });

  it('reads only the view it is given, not the rest of its buffer', async () => {
    const whole = utf8('outside|inside|outside');
    expect(inflateSync(await deflateRaw(whole.subarray(8, 14)))).toEqual(utf8('inside'));
  });
});
