// Vault paths: relative, forward-slash, never escaping the vault root.

export const NOTE_EXTENSIONS = ['.md', '.markdown', '.txt'] as const;

export function hasNoteExtension(path: string): boolean {
  const lower = path.toLowerCase();
  return NOTE_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

/**
 * Returns the normalized relative path, or null when the path is unsafe: absolute, a drive or
 * URL, `..` or `.` segments, empty segments, or control characters.
 */
export function safeRelativePath(raw: string): string | null {
  if (!raw || raw.length > 1024) return null;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(raw)) return null;
  const path = raw.replace(/\\/g, '/');
  if (path.startsWith('/') || /^[a-zA-Z]:/.test(path) || /^[a-z]+:\/\//i.test(path)) return null;
  const segments = path.split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..')) return null;
  return segments.join('/');
}

export function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export function stripExtension(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}

export function dirname(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

/** A file name from a title, readable in any script; characters no file system accepts are dropped. */
export function slugify(title: string): string {
  const cleaned = title
    .normalize('NFC')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f<>:"/\\|?*#^[\]]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^\.+/, '')
    .slice(0, 120)
    .trim();
  return cleaned || 'Untitled';
}

/** `.md`, `.markdown` or `.txt` as the path has it; `.md` otherwise. */
export function extension(path: string): string {
  return /\.(md|markdown|txt)$/i.exec(path)?.[0] ?? '.md';
}

/** The first of `base.md`, `base 2.md`, … (in `dir`) that `taken` does not hold. */
export function uniquePath(
  dir: string,
  base: string,
  taken: (path: string) => boolean,
  ext = '.md',
): string {
  const prefix = dir ? `${dir}/` : '';
  for (let n = 1; ; n++) {
    const candidate = `${prefix}${n === 1 ? base : `${base} ${n}`}${ext}`;
    if (!taken(candidate)) return candidate;
  }
}
