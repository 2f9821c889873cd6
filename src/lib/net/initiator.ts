// Who made a request, in words for the ledger: the page, or which of its workers. The service
// worker knows the client by type and script URL; a built worker's URL carries Vite's content
// hash (`/assets/llm-webllm.worker-Bx1_a2.js`), the dev server's its source path.

export interface ClientInfo {
  type: string;
  url: string;
}

export function initiatorName(client: ClientInfo | undefined | null): string {
  if (!client) return 'unknown';
  if (client.type === 'window') return 'page';
  let file: string;
  try {
    file = new URL(client.url).pathname.split('/').pop() ?? '';
  } catch {
    file = '';
  }
  // "llm-webllm.worker-Bx1_a2.js" and "llm-webllm.worker.ts" both name the llm-webllm worker.
  const name = /^(.+?)\.worker\b/.exec(file)?.[1] ?? file.replace(/\.[cm]?[jt]s$/, '');
  const kind = client.type === 'sharedworker' ? 'shared worker' : 'worker';
  return name ? `${name} ${kind}` : kind;
}
