// Turns what the user picked or dropped into attachments: each loose file is one (a `.zip` is
// opened as a code tree), and each folder is one, holding every file found under it.
import type { AttachmentSource, SourceFile } from './attachment-types';

export interface PickedFile {
  /** `name` for a loose file; `folder/…/name` for a file inside a picked or dropped folder. */
  path: string;
  file: Blob;
}

export function sourceFile(path: string, file: Blob): SourceFile {
  return { path, sizeBytes: file.size, read: async () => new Uint8Array(await file.arrayBuffer()) };
}

/** Files from an `<input type="file">`, with or without `webkitdirectory`. */
export function pickedFiles(files: Iterable<File>): PickedFile[] {
  return Array.from(files, (file) => ({ path: file.webkitRelativePath || file.name, file }));
}

export function groupSources(picked: readonly PickedFile[]): AttachmentSource[] {
  const sources: AttachmentSource[] = [];
  const folders = new Map<string, SourceFile[]>();
  for (const { path, file } of picked) {
    const slash = path.indexOf('/');
    if (slash < 0) {
      const kind = path.toLowerCase().endsWith('.zip') ? 'zip' : 'file';
      sources.push({ kind, name: path, file: sourceFile(path, file) });
      continue;
    }
    const root = path.slice(0, slash);
    let files = folders.get(root);
    if (!files) {
      files = [];
      folders.set(root, files);
      sources.push({ kind: 'folder', name: root, files });
    }
    files.push(sourceFile(path, file));
  }
  return sources;
}
