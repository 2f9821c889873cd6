// Semantic memory as the UI sees it: which embedding model indexes the notes, how far indexing
// is, and the controls (model, pause, wipe and rebuild). The worker starts soon after app start
// (`connectAfterSearch`), so notes changed since the last visit are indexed in the background.
import type { MemoryStatus } from '../search/memory-types';
import { memoryClient, onMemoryStart, type MemoryClient } from '../search/memory-client';
import { searchIndexReady } from '../search/search-client';
import { errorMessage } from '../errors';

class MemoryManager {
  status = $state.raw<MemoryStatus | null>(null);
  error = $state<string | null>(null);
  /** Bumped when vectors change, so open views can re-run their query. */
  revision = $state(0);
  busy = $state(false);

  #connected = false;

  constructor() {
    onMemoryStart((client) => this.#listen(client));
  }

  #listen(client: MemoryClient): void {
    client.on('status', (status) => (this.status = status));
    client.on('changed', () => this.revision++);
    client.call('status', undefined).then(
      (status) => (this.status ??= status),
      (error: unknown) => (this.error = errorMessage(error)),
    );
  }

  /** Starts the worker (idempotent). */
  connect(): void {
    if (this.#connected) return;
    this.#connected = true;
    memoryClient();
  }

  /**
   * Starts the worker once the keyword index answers, or after 5 s: on two cores its start and
   * first reads otherwise share the CPU and IndexedDB with the index's restore, which a search
   * waits on. A query asked before that starts it itself.
   */
  connectAfterSearch(): void {
    void searchIndexReady(5_000).then(() => this.connect());
  }

  get semanticReady(): boolean {
    return this.status?.phase === 'ready' && this.status.servingModel !== null;
  }

  async #run(action: (client: MemoryClient) => Promise<MemoryStatus>): Promise<void> {
    this.busy = true;
    try {
      this.status = await action(memoryClient());
      this.error = null;
    } catch (error) {
      this.error = errorMessage(error);
    } finally {
      this.busy = false;
    }
  }

  setModel(key: string | null): Promise<void> {
    return this.#run((c) => c.call('setModel', { key }));
  }

  setPaused(paused: boolean): Promise<void> {
    return this.#run((c) => c.call('setPaused', { paused }));
  }

  rebuild(): Promise<void> {
    return this.#run((c) => c.call('rebuild', undefined));
  }
}

export const memory = new MemoryManager();
