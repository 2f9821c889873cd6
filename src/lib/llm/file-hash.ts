// SHA-256 of model files, which run to gigabytes: hashed chunk by chunk as they stream, never
// held whole in memory (the incremental hash: vault/sha256-stream.ts).
import { StreamingSha256, toHex } from '../vault/sha256-stream';

export { StreamingSha256 };

/** How much of a cached file is read at once when hashing it. */
export const hashChunkBytes = 4 * 1024 * 1024;

/** Hashes a stream to its end. */
export async function sha256OfStream(stream: ReadableStream<Uint8Array>): Promise<{
  sha256: string;
  sizeBytes: number;
}> {
  const hash = new StreamingSha256();
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    hash.update(value);
  }
  return { sha256: hash.hex(), sizeBytes: hash.sizeBytes };
}

/**
 * Up to this size a file is hashed whole by WebCrypto, natively and many times faster than the
 * incremental hash in JS (60–90 MB/s here): WebLLM's weight shards are tens of MB each, so a
 * multi-GB model is checked shard by shard at native speed, holding one shard at a time.
 */
const wholeHashMaxBytes = 128 * 1024 * 1024;

/**
 * Hashes a Blob (a cached response's body is a disk-backed one): whole when small, else a slice
 * at a time, so a file larger than memory is never read whole.
 */
export async function sha256OfBlob(
  blob: Blob,
  wholeMaxBytes = wholeHashMaxBytes,
): Promise<{ sha256: string; sizeBytes: number }> {
  if (blob.size <= wholeMaxBytes && globalThis.crypto?.subtle) {
    const digest = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer());
    return { sha256: toHex(new Uint8Array(digest)), sizeBytes: blob.size };
  }
  const hash = new StreamingSha256();
  for (let offset = 0; offset < blob.size; offset += hashChunkBytes) {
    const slice = blob.slice(offset, offset + hashChunkBytes);
    hash.update(new Uint8Array(await slice.arrayBuffer()));
  }
  return { sha256: hash.hex(), sizeBytes: hash.sizeBytes };
}

/**
 * The same response with a body that hashes itself as it is read (by Cache.put, say). `done`
 * settles when the body has been read to its end; it never settles if the body is abandoned.
 */
export function hashingResponse(response: Response): {
  response: Response;
  done: Promise<{ sha256: string; sizeBytes: number }>;
} {
  const hash = new StreamingSha256();
  let finish: (value: { sha256: string; sizeBytes: number }) => void = () => {};
  const done = new Promise<{ sha256: string; sizeBytes: number }>((resolve) => (finish = resolve));
  const body = response.body?.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        hash.update(chunk);
        controller.enqueue(chunk);
      },
      flush() {
        finish({ sha256: hash.hex(), sizeBytes: hash.sizeBytes });
      },
    }),
  );
  if (!body) finish({ sha256: hash.hex(), sizeBytes: 0 });
  return {
    response: new Response(body ?? null, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    }),
    done,
  };
}
