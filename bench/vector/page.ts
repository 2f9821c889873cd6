// The bench page: starts the worker that does all the work (as the memory worker would) and hands
// its result to the Node driver. Worker logs go to the console, which the driver prints.
declare global {
  interface Window {
    runVectorBench: (config: unknown) => Promise<unknown>;
  }
}

window.runVectorBench = (config) =>
  new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./vector.worker.ts', import.meta.url), { type: 'module' });
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
