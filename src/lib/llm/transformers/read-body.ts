// Reads a download's body into a Blob while reporting bytes, stopping when the signal fires.

export async function readBody(
  response: Response,
  onBytes: (loadedBytes: number) => void,
  signal: AbortSignal,
): Promise<Blob> {
  const type = response.headers.get('content-type') ?? '';
  if (!response.body) return new Blob([], { type });
  const reader = response.body.getReader();
  const stop = () => {
    reader.cancel(signal.reason).catch(reportError);
  };
  signal.addEventListener('abort', stop, { once: true });
  const chunks: Uint8Array<ArrayBuffer>[] = [];
  let loadedBytes = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      signal.throwIfAborted();
      if (done) break;
      chunks.push(value);
      loadedBytes += value.byteLength;
      onBytes(loadedBytes);
    }
  } finally {
    signal.removeEventListener('abort', stop);
  }
  return new Blob(chunks, { type });
}
