// Tells the memory workers of other tabs what the indexing tab changed, so their indexes follow.
export type MemoryMessage =
  | { type: 'vectors'; modelId: string; added: number[]; removed: number[] }
  /** Settings or stored data changed wholesale (model switch, wipe): re-read everything. */
  | { type: 'config' };

const CHANNEL = 'hearth-memory';

export class MemoryChannel {
  #channel: BroadcastChannel;

  constructor(onMessage: (message: MemoryMessage) => void) {
    this.#channel = new BroadcastChannel(CHANNEL);
    this.#channel.onmessage = (event: MessageEvent<MemoryMessage>) => onMessage(event.data);
  }

  post(message: MemoryMessage): void {
    this.#channel.postMessage(message);
  }

  close(): void {
    this.#channel.close();
  }
}
