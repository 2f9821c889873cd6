// A user action on one model repo that reads model files: a download (which may fetch that repo's
// files) or a load (which may not: a file missing from the cache fails as missing, see
// runtime.ts). The engine and the store take a `NetworkScope` so they run unchanged in Node tests,
// where no network is wired.

export interface NetworkActivity {
  repo: string;
  modelKey: string;
  /** 'revision': asking the hub which commit a branch points at (a download or update check). */
  reason: 'download' | 'load' | 'revision';
  /** The commit a load's files are stored under, for a pinned model. */
  revision?: string | undefined;
  signal: AbortSignal;
  onBytes?(url: string, loadedBytes: number, totalBytes: number | null): void;
}

export type NetworkScope = <T>(activity: NetworkActivity, run: () => Promise<T>) => Promise<T>;

/** No network wiring: `run` as is (Node tests load from a local folder). */
export const noNetwork: NetworkScope = (_activity, run) => run();
