// The manifest at the root of an export (`hearth-export.json`), and what an import does with it:
// the manifest marks the export's root, so an unzipped export picked as a folder (whose paths all
// start with the folder's own name) is imported at the same paths it was exported from.

/** The manifest's name, at the root of every export. */
export const manifestName = 'hearth-export.json';

export interface ExportManifest {
  format: 1;
  app: 'Hearth';
  /** When the export was made, as an ISO 8601 string. */
  exportedAt: string;
  /** How many notes (journal entries included) the export holds. */
  notes: number;
  /** How many attachments (every other file, at its path) the export holds. */
  attachments: number;
}

export function buildManifest(
  notes: number,
  attachments: number,
  now: Date = new Date(),
): ExportManifest {
  return { format: 1, app: 'Hearth', exportedAt: now.toISOString(), notes, attachments };
}

/**
 * Finds manifests at the root (`hearth-export.json`) or one folder deep
 * (`<dir>/hearth-export.json`) of the paths, drops them, and strips each such `<dir>/` from every
 * path under it. Without a manifest the list is returned unchanged. Pure: it looks at paths only.
 */
export function unwrapExportRoots<T extends { path: string }>(items: readonly T[]): T[] {
  const roots = new Set<string>();
  for (const { path } of items) {
    if (path === manifestName) roots.add('');
    else if (path.endsWith(`/${manifestName}`)) {
      const dir = path.slice(0, -manifestName.length - 1);
      if (dir !== '' && !dir.includes('/')) roots.add(dir);
    }
  }
  if (roots.size === 0) return [...items];
  const result: T[] = [];
  for (const item of items) {
    const slash = item.path.indexOf('/');
    const dir = slash < 0 ? '' : item.path.slice(0, slash);
    const rest = item.path.slice(slash + 1);
    if (roots.has('') && item.path === manifestName) continue;
    if (slash > 0 && roots.has(dir)) {
      if (rest === manifestName) continue;
      result.push({ ...item, path: rest });
    } else result.push(item);
  }
  return result;
}
