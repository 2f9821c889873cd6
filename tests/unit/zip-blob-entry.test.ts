import { describe, expect, it } from 'vitest';
import { readZip } from '../../src/lib/vault/zip';
import { ZipBlobWriter } from '../../src/lib/vault/zip-writer';

const noise = (length: number) => Uint8Array.from({ length }, (_, i) => (i * 7919 + 13) % 251);

describe('ZipBlobWriter.addBlob', () => {
  it('stores a Blob whole with the CRC-32 a reader checks', async () => {
    const model = noise(200_000);
    const writer = new ZipBlobWriter();
    await writer.add('notes/a.md', new TextEncoder().encode('# A\n'), { compress: true });
    await writer.addBlob('models/x/onnx/model.onnx_data', new Blob([model]));
    const entries = readZip(new Uint8Array(await writer.finish().arrayBuffer()));
    expect(entries.map((e) => e.path)).toEqual(['notes/a.md', 'models/x/onnx/model.onnx_data']);
    expect(entries[1]!.read()).toEqual(model);
  });
});
