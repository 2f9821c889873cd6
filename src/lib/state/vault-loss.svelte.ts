// Chromium deletes an origin's IndexedDB outright when it judges it corrupt, and a disk that filled
// up during a write can make it judge so (measured in tests/e2e/quota.e2e.ts). The app cannot stop
// that, but it must never let a vault vanish without a word: this browser's localStorage, which
// the deletion leaves alone, remembers which database held how many notes, and a database that
// comes back new where one was known is reported until the user dismisses it.
import { onDatabaseClosed, readOrCreateVaultId, readVaultId } from '../db/vault-identity';

const seenKey = 'hearth:vault-seen';
const lostKey = 'hearth:vault-lost';
/** Looks again after a recheck that could not read the database, this many times at most. */
const maxRetries = 5;
const retryDelayMs = 2_000;
/**
 * How long after a close to look. Chromium closes every connection at each write a full disk
 * refuses, often several in a row, and an open made in between is aborted as well.
 */
const lookAfterCloseMs = 1_000;

/** What this browser last knew of the vault. */
export interface VaultSeen {
  id: string;
  notes: number;
  at: number;
}

function read<T>(key: string): T | null {
  try {
    const raw = localStorage.getItem(key);
    return raw ? (JSON.parse(raw) as T) : null;
  } catch {
    return null;
  }
}

/** False when the browser refused the write (a full disk refuses localStorage too). */
function write(key: string, value: unknown): boolean {
  try {
    localStorage.setItem(key, JSON.stringify(value));
    return true;
  } catch {
    return false;
  }
}

export class VaultLoss {
  /** The vault that was discarded, while the notice stands. */
  lost = $state.raw<VaultSeen | null>(read<VaultSeen>(lostKey));
  /**
   * The database this page started with was discarded while it ran: a note it had open that is
   * now missing went with it (later rechecks compare against the new database's id).
   */
  discardedHere = false;
  private id: string | null = null;
  private checking: Promise<void> | null = null;
  /**
   * The loss is known to this tab only: the disk that made the browser discard the database was
   * still full when the record was written. Written again at each later chance, so a tab opened
   * once there is room says it too.
   */
  private unwritten = false;
  private listening = false;
  /** Rechecks in a row that could not read the database. */
  private failedRechecks = 0;

  /** At start: learn this database's id, and notice one that replaced a known vault. */
  check(): Promise<void> {
    this.listen();
    // One at a time: a second check would see the id the first created and miss the loss.
    this.checking ??= readOrCreateVaultId()
      .then(({ id, created }) => this.noticeReplaced(id, created))
      .finally(() => (this.checking = null));
    return this.checking;
  }

  /**
   * After a write the browser refused: a database it discarded meanwhile shows at once. True
   * while the database is still the known one.
   */
  async recheck(): Promise<boolean> {
    if (this.id === null) return false;
    try {
      const kept = (await readVaultId()) === this.id;
      if (!kept) {
        await this.check();
        if (this.lost !== null) this.discardedHere = true;
      }
      this.failedRechecks = 0;
      return kept;
    } catch {
      // Unreadable right now: a read made while the browser discards the database fails with the
      // connection it is closing (the quota e2e's CI run gave up here, and nothing looked again).
      // The close brings another look (listen); so do a few more here, and the next start.
      if (++this.failedRechecks <= maxRetries)
        setTimeout(() => void this.recheck(), retryDelayMs * this.failedRechecks);
      return false;
    }
  }

  /**
   * Notes in the vault (trash included), kept so the notice can say what was there. A count from
   * a database that is no longer the known one (a discarded vault reads as empty) is not kept.
   */
  async recordCount(notes: number): Promise<void> {
    // A count means a write landed: there may be room for the record now.
    this.persist();
    if (!(await this.recheck()) || this.unwritten) return;
    const seen = read<VaultSeen>(seenKey);
    if (seen?.id === this.id && seen.notes === notes) return;
    write(seenKey, { id: this.id, notes, at: Date.now() });
  }

  dismiss(): void {
    this.lost = null;
    this.unwritten = false;
    localStorage.removeItem(lostKey);
  }

  /** Writes a loss record the full disk refused earlier, once; a no-op otherwise. */
  persist(): void {
    if (!this.unwritten || this.lost === null) return;
    if (!write(lostKey, this.lost)) return;
    this.unwritten = false;
    if (this.id !== null) write(seenKey, { id: this.id, notes: 0, at: Date.now() });
  }

  private listen(): void {
    if (this.listening) return;
    this.listening = true;
    // Another tab's Dismiss (or its first record, or a wipe) reaches this tab. Without it, this
    // tab would keep a notice the user dismissed elsewhere, and its retries would bring it back.
    addEventListener('storage', (event: StorageEvent) => {
      if (event.key !== lostKey && event.key !== null) return;
      this.lost = read<VaultSeen>(lostKey);
      this.unwritten = false;
    });
    document.addEventListener('visibilitychange', () => this.persist());
    // A discard closes the connection and nothing else need touch the database for minutes (a
    // save that already failed, an idle tab): the close itself must bring a look.
    onDatabaseClosed(() => void this.recheck(), lookAfterCloseMs);
  }

  private noticeReplaced(id: string, created: boolean): void {
    const seen = read<VaultSeen>(seenKey);
    this.id = id;
    if (created && seen && seen.id !== id && seen.notes > 0) {
      this.lost = seen;
      this.unwritten = !write(lostKey, seen);
    }
    // The old vault's figures stay until the loss record holds them.
    if (seen?.id !== id && !this.unwritten) write(seenKey, { id, notes: 0, at: Date.now() });
  }
}

export const vaultLoss = new VaultLoss();
