// Chromium deletes an origin's IndexedDB outright when it judges it corrupt, and a disk that filled
// up during a write can make it judge so (measured in tests/e2e/quota.e2e.ts). The app cannot stop
// that, but it must never let a vault vanish without a word: this browser's localStorage, which
// the deletion leaves alone, remembers which database held how many notes, and a database that
// comes back new where one was known is reported until the user dismisses it.
import { readOrCreateVaultId, readVaultId } from '../db/vault-identity';

const seenKey = 'hearth:vault-seen';
const lostKey = 'hearth:vault-lost';

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

function write(key: string, value: unknown): void {
  try {
    localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // A full localStorage only costs the notice's figures; nothing of the vault.
  }
}

class VaultLoss {
  /** The vault that was discarded, while the notice stands. */
  lost = $state.raw<VaultSeen | null>(read<VaultSeen>(lostKey));
  /**
   * The database this page started with was discarded while it ran: a note it had open that is
   * now missing went with it (later rechecks compare against the new database's id).
   */
  discardedHere = false;
  private id: string | null = null;
  private checking: Promise<void> | null = null;

  /** At start: learn this database's id, and notice one that replaced a known vault. */
  check(): Promise<void> {
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
      if ((await readVaultId()) === this.id) return true;
      await this.check();
      if (this.lost !== null) this.discardedHere = true;
    } catch {
      // Unreadable right now; the next start checks again.
    }
    return false;
  }

  /**
   * Notes in the vault (trash included), kept so the notice can say what was there. A count from
   * a database that is no longer the known one (a discarded vault reads as empty) is not kept.
   */
  async recordCount(notes: number): Promise<void> {
    if (!(await this.recheck())) return;
    const seen = read<VaultSeen>(seenKey);
    if (seen?.id === this.id && seen.notes === notes) return;
    write(seenKey, { id: this.id, notes, at: Date.now() });
  }

  dismiss(): void {
    this.lost = null;
    localStorage.removeItem(lostKey);
  }

  private noticeReplaced(id: string, created: boolean): void {
    const seen = read<VaultSeen>(seenKey);
    this.id = id;
    if (created && seen && seen.id !== id && seen.notes > 0) {
      this.lost = seen;
      write(lostKey, seen);
    }
    if (seen?.id !== id) write(seenKey, { id, notes: 0, at: Date.now() });
  }
}

export const vaultLoss = new VaultLoss();
