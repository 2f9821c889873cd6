// What the browser promises about Hearth's storage: persistence and quota, shown honestly; and
// what the vault itself takes, notes and attachments apart; and what the rest of the usage is.
import { vaultFigures, type VaultFigures } from '../db/storage-figures';
import { listInstalledModels } from '../db/models-repo';

/** The origin's usage by part, where the browser says (Chromium's `usageDetails`). */
export interface UsageParts {
  /** IndexedDB: notes, chats, memory, the indexes. */
  databases: number;
  /** The installed models' files (Cache Storage), as their records count them. */
  models: number;
  /** The rest of Cache Storage and the service worker: Hearth's own files, kept for offline use. */
  app: number;
}

type DetailedEstimate = StorageEstimate & { usageDetails?: Record<string, number | undefined> };

export type PersistState = 'unknown' | 'unsupported' | 'granted' | 'denied';

const ASKED_KEY = 'hearth:persist-asked';

class StorageStatus {
  persist = $state<PersistState>('unknown');
  usageBytes = $state<number | null>(null);
  quotaBytes = $state<number | null>(null);
  vault = $state.raw<VaultFigures | null>(null);
  parts = $state.raw<UsageParts | null>(null);

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
    this.parts = await usageParts(estimate);
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

/**
 * Splits the estimate so a fresh install's tens of megabytes are not a mystery: most of it is the
 * app's own offline copy (the ONNX runtime alone is 27 MB), not anything the user stored.
 */
async function usageParts(estimate: DetailedEstimate): Promise<UsageParts | null> {
  const details = estimate.usageDetails;
  if (!details) return null;
  const cached = details.caches ?? 0;
  const installed = await listInstalledModels();
  const models = Math.min(
    cached,
    installed.reduce((sum, m) => sum + m.sizeBytes, 0),
  );
  return {
    databases: details.indexedDB ?? 0,
    models,
    app: cached - models + (details.serviceWorkerRegistrations ?? 0),
  };
}

export const storageStatus = new StorageStatus();
