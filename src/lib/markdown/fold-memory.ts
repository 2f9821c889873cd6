// Which callouts the reader opened or closed. Each render replaces the preview's HTML, which would
// fold every callout back as written; this remembers the reader's choice by title and position
// (the n-th callout with that title) until the preview goes away. Plain bookkeeping, not state
// anything renders from.

function foldKeys(root: ParentNode): Map<HTMLDetailsElement, string> {
  const seen = new Map<string, number>();
  const keys = new Map<HTMLDetailsElement, string>();
  for (const details of root.querySelectorAll('details')) {
    const title = details.querySelector('summary')?.textContent ?? '';
    const nth = (seen.get(title) ?? 0) + 1;
    seen.set(title, nth);
    keys.set(details, `${title}\u0000${nth}`);
  }
  return keys;
}

export class FoldMemory {
  #open = new Map<string, boolean>();

  /** Records the state of `details` after the reader toggled it. */
  remember(root: ParentNode, details: HTMLDetailsElement): void {
    const key = foldKeys(root).get(details);
    if (key !== undefined) this.#open.set(key, details.open);
  }

  /** Puts the remembered states back on a freshly rendered preview. */
  restore(root: ParentNode): void {
    if (this.#open.size === 0) return;
    for (const [details, key] of foldKeys(root)) {
      const open = this.#open.get(key);
      if (open !== undefined && details.open !== open) details.open = open;
    }
  }
}
