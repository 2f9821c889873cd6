// The incremental SHA-256 gives WebCrypto's digest for any split of any input, padding edges too.
import { describe, expect, it } from 'vitest';
import { StreamingSha256 } from '../../src/lib/vault/sha256-stream';
import { sha256Bytes } from '../../src/lib/vault/hash';

describe('StreamingSha256', () => {
  it('matches WebCrypto across lengths and split points', async () => {
    for (const length of [0, 1, 55, 56, 63, 64, 65, 119, 120, 1000, 100_003]) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 31 + length) % 256);
      const whole = await sha256Bytes(bytes);
      expect(new StreamingSha256().update(bytes).hex()).toBe(whole);
      const split = new StreamingSha256();
      for (let at = 0; at < length; at += 37) split.update(bytes.subarray(at, at + 37));
      expect(split.hex(), `length ${length}`).toBe(whole);
    }
  });
});
