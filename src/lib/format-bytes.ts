// Byte counts as people read them. One home for every size the app shows (KB = 1,024 bytes).

const units = ['B', 'KB', 'MB', 'GB', 'TB'] as const;

/** `512 B`, `3.4 KB`, `1.2 GB`; `—` for an unknown size. */
export function formatBytes(bytes: number | null): string {
  if (bytes === null) return '—';
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

/** Whole megabytes, rounded up: for limits and free space, where "0 MB" would mislead. */
export function formatMegabytesCeil(bytes: number): string {
  return `${Math.ceil(bytes / 2 ** 20)} MB`;
}

/** One decimal in megabytes (`5.3 MB`), for file sizes set against a limit in MB. */
export function formatMegabytes(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MB`;
}
