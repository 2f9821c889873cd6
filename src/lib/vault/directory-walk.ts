// Walks a folder picked with the File System Access API, in the vault worker. Paths start with
// the folder's own name, as `webkitRelativePath` does, so a folder imported either way matches.
import type { ImportSource } from './import-sources';

/** Hidden folders such as `.git` or `.obsidian` hold tool state, not notes. */
const skippedDirs = /^\./;

export async function walkDirectory(
  root: FileSystemDirectoryHandle,
  onFound?: (count: number) => void,
): Promise<ImportSource[]> {
  const found: ImportSource[] = [];
  const pending: { handle: FileSystemDirectoryHandle; path: string }[] = [
    { handle: root, path: root.name },
  ];
  while (pending.length > 0) {
    const { handle, path } = pending.pop()!;
    for await (const [name, entry] of handle.entries()) {
      const entryPath = `${path}/${name}`;
      if (entry.kind === 'directory') {
        if (!skippedDirs.test(name)) pending.push({ handle: entry, path: entryPath });
      } else {
        found.push({ path: entryPath, file: await entry.getFile() });
        if (found.length % 500 === 0) onFound?.(found.length);
      }
    }
  }
  found.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return found;
}

type DirectoryPicker = (options?: {
  id?: string;
  mode?: 'read' | 'readwrite';
}) => Promise<FileSystemDirectoryHandle>;

/** The browser's folder picker where it has one (Chromium); undefined elsewhere. */
export function directoryPicker(): DirectoryPicker | undefined {
  const picker = (globalThis as { showDirectoryPicker?: DirectoryPicker }).showDirectoryPicker;
  return typeof picker === 'function' ? picker.bind(globalThis) : undefined;
}
