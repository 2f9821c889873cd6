// Files dropped on the window, folders walked recursively, each with its path relative to what
// was dropped (a dropped folder `tldr` gives `tldr/pages/common/tar.md`, like a folder input).

export interface DroppedFile {
  path: string;
  file: File;
  /** Dropped itself rather than found inside a dropped folder. */
  topLevel: boolean;
}

/** Must be called synchronously in the drop handler: the DataTransfer empties afterwards. */
export function droppedEntries(dt: DataTransfer): { entries: FileSystemEntry[]; loose: File[] } {
  const entries = Array.from(dt.items, (item) => item.webkitGetAsEntry()).filter(
    (entry): entry is FileSystemEntry => entry !== null,
  );
  return { entries, loose: entries.length > 0 ? [] : Array.from(dt.files) };
}

function fileOf(entry: FileSystemFileEntry): Promise<File> {
  return new Promise((resolve, reject) => entry.file(resolve, reject));
}

/** A directory reader returns children in batches (100 in Chromium) until it returns none. */
async function childrenOf(dir: FileSystemDirectoryEntry): Promise<FileSystemEntry[]> {
  const reader = dir.createReader();
  const all: FileSystemEntry[] = [];
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) =>
      reader.readEntries(resolve, reject),
    );
    if (batch.length === 0) return all;
    all.push(...batch);
  }
}

const isFile = (e: FileSystemEntry): e is FileSystemFileEntry => e.isFile;
const isDirectory = (e: FileSystemEntry): e is FileSystemDirectoryEntry => e.isDirectory;

export async function walkEntries(entries: readonly FileSystemEntry[]): Promise<DroppedFile[]> {
  const out: DroppedFile[] = [];
  const visit = async (entry: FileSystemEntry, topLevel: boolean): Promise<void> => {
    const path = entry.fullPath.replace(/^\/+/, '');
    if (isFile(entry)) out.push({ path, file: await fileOf(entry), topLevel });
    else if (isDirectory(entry))
      for (const child of await childrenOf(entry)) await visit(child, false);
  };
  for (const entry of entries) await visit(entry, true);
  return out;
}
