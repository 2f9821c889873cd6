// What the browser promises about Hearth's storage: persistence and quota, shown honestly; and
// what the vault itself takes, notes and attachments apart.
import { vaultFigures, type VaultFigures } from '../db/storage-figures';

export type PersistState = 'unknown' | 'unsupported' | 'granted' | 'denied';

const ASKED_KEY = 'hearth:persist-asked';

class StorageStatus {
  persist = $state<PersistState>('unknown');
  usageBytes = $state<number | null>(null);
  quotaBytes = $state<number | null>(null);
  vault = $state.raw<VaultFigures | null>(null);

  async refresh(): Promise<void> {
    this.vault = await vaultFigures();
    if (!navigator.storage?.persisted) {
      this.persist = 'unsupported';
      return;
    }
    const [persisted, estimate] = await Promise.all([
      navigator.storage.persisted(),
      navigator.storage.estimate(),
    ]);
    this.persist = persisted ? 'granted' : localStorage.getItem(ASKED_KEY) ? 'denied' : 'unknown';
    this.usageBytes = estimate.usage ?? null;
    this.quotaBytes = estimate.quota ?? null;
  }

  /** Asks once, at the first real save; returns true when the answer is new. */
  async askOnFirstSave(): Promise<boolean> {
    if (localStorage.getItem(ASKED_KEY) || !navigator.storage?.persist) return false;
    localStorage.setItem(ASKED_KEY, String(Date.now()));
    await this.ask();
    return true;
  }

  async ask(): Promise<PersistState> {
    if (!navigator.storage?.persist) return (this.persist = 'unsupported');
    localStorage.setItem(ASKED_KEY, String(Date.now()));
    this.persist = (await navigator.storage.persist()) ? 'granted' : 'denied';
    return this.persist;
  }
}

export const storageStatus = new StorageStatus();
