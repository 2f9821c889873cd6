// Content hashes decide whether a re-imported file changed, and prove a bundle's entries whole.

const encoder = new TextEncoder();

export async function sha256Hex(text: string): Promise<string> {
  return sha256Bytes(encoder.encode(text));
}

export async function sha256Bytes(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}
