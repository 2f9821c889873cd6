// The raw-model bench page: served from the app's own origin (same build), so its worker finds the
// model the app imported in Cache Storage and the notes in IndexedDB. Hands the result to Node.
declare global {
  interface Window {
    runRawModelBench: (config: unknown) => Promise<unknown>;
  }
}

window.runRawModelBench = (config) =>
  new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./raw-model.worker.ts', import.meta.url), {
      type: 'module',
    });
    worker.addEventListener('message', ({ data }: MessageEvent) => {
      const message = data as { kind: string; text?: string; result?: unknown; error?: string };
      if (message.kind === 'ready') worker.postMessage(config);
      if (message.kind === 'log') console.log(message.text);
      if (message.kind === 'done') resolve(message.result);
      if (message.kind === 'error') reject(new Error(message.error));
    });
    worker.addEventListener('error', (event) => reject(new Error(event.message)));
  });

export {};
