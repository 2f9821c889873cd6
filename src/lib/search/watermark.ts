// How far the keyword index has followed the vault: the newest `updatedAt` among indexed notes,
// and which notes were written at exactly that time (an import stamps thousands with one time,
// and a note saved in that same millisecond must not pass for indexed).
export class Watermark {
  #ms: number;
  #atMs: Set<string>;

  constructor(ms = 0, idsAtMs: Iterable<string> = []) {
    this.#ms = ms;
    this.#atMs = new Set(idsAtMs);
  }

  get ms(): number {
    return this.#ms;
  }

  /** True when note `id`, written at `ms`, was indexed at that version. */
  has(id: string): boolean {
    return this.#atMs.has(id);
  }

  advance(id: string, updatedAt: number): void {
    if (updatedAt > this.#ms) {
      this.#ms = updatedAt;
      this.#atMs.clear();
    }
    if (updatedAt === this.#ms) this.#atMs.add(id);
  }

  copy(): Watermark {
    return new Watermark(this.#ms, this.#atMs);
  }

  toJSON(): { watermark: number; watermarkIds: string[] } {
    return { watermark: this.#ms, watermarkIds: [...this.#atMs] };
  }
}
