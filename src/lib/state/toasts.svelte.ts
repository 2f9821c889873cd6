// Short messages in a live region; an optional action (such as Undo) undoes what just happened.

export interface Toast {
  id: number;
  message: string;
  tone: 'info' | 'error';
  action?: { label: string; run: () => unknown } | undefined;
}

class Toasts {
  items = $state<Toast[]>([]);
  #nextId = 1;

  show(
    message: string,
    options: { tone?: Toast['tone']; action?: Toast['action']; timeoutMs?: number } = {},
  ): number {
    const id = this.#nextId++;
    this.items = [
      ...this.items,
      { id, message, tone: options.tone ?? 'info', action: options.action },
    ];
    const timeoutMs =
      options.timeoutMs ?? (options.tone === 'error' ? 0 : options.action ? 8000 : 4000);
    if (timeoutMs > 0) setTimeout(() => this.dismiss(id), timeoutMs);
    return id;
  }

  error(message: string): number {
    return this.show(message, { tone: 'error' });
  }

  dismiss(id: number): void {
    this.items = this.items.filter((t) => t.id !== id);
  }
}

export const toasts = new Toasts();
