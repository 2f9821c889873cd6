// One model runs one batch at a time. Queries go ahead of queued indexing batches, so a search
// during indexing waits at most for the batch already running.
import type { EmbedInput, TextEmbedder } from './embedding-types';

interface Waiting {
  run: () => void;
}

export class EmbedQueue {
  readonly embedder: TextEmbedder;
  #busy = false;
  #urgent: Waiting[] = [];
  #background: Waiting[] = [];

  constructor(embedder: TextEmbedder) {
    this.embedder = embedder;
  }

  embed(texts: string[], input: EmbedInput): Promise<Float32Array> {
    return new Promise<Float32Array>((resolve, reject) => {
      const waiting: Waiting = {
        run: () => {
          this.embedder
            .embed(texts, input)
            .then(resolve, reject)
            .finally(() => {
              this.#busy = false;
              this.#next();
            });
        },
      };
      (input === 'query' ? this.#urgent : this.#background).push(waiting);
      this.#next();
    });
  }

  #next(): void {
    if (this.#busy) return;
    const waiting = this.#urgent.shift() ?? this.#background.shift();
    if (!waiting) return;
    this.#busy = true;
    waiting.run();
  }
}
