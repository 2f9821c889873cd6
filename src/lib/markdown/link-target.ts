// The parts of an Obsidian link target: `[[file#heading|alias]]`, `![[image.png|300x200]]`, and
// which targets of a Markdown image (`![](assets/My%20photo.png)`) name a file of the vault.

export interface LinkTarget {
  /** The file part: a note's title, name or path, or an attachment's path. May be empty. */
  linkpath: string;
  /** What follows `#`: a heading (or a path of headings `H1#H2`), or `^block-id`. */
  subpath: string;
  /** What follows `|`: the link text, or an image size. */
  alias: string | undefined;
}

export function parseLinkTarget(inner: string): LinkTarget {
  const bar = inner.indexOf('|');
  const main = bar === -1 ? inner : inner.slice(0, bar);
  const hash = main.indexOf('#');
  return {
    linkpath: (hash === -1 ? main : main.slice(0, hash)).trim(),
    subpath: hash === -1 ? '' : main.slice(hash + 1).trim(),
    alias: bar === -1 ? undefined : inner.slice(bar + 1).trim(),
  };
}

/** The heading a subpath points at (the last of `H1#H2`), or undefined for none or a block. */
export function headingOf(subpath: string): string | undefined {
  if (subpath === '' || subpath.startsWith('^')) return undefined;
  const parts = subpath.split('#').map((p) => p.trim());
  return parts.filter(Boolean).at(-1);
}

/** The block id of a `#^id` subpath. */
export function blockIdOf(subpath: string): string | undefined {
  return /^\^([\w-]+)$/.exec(subpath)?.[1];
}

/** What a link shows without an alias: `Note`, `Note › Heading`, or `Heading` in the same note. */
export function linkText(target: LinkTarget): string {
  if (target.alias) return target.alias;
  const part = headingOf(target.subpath) ?? target.subpath;
  if (!part) return target.linkpath;
  return target.linkpath ? `${target.linkpath} › ${part}` : part;
}

/** `300` or `300x200` after the bar of an image embed. */
export function imageSize(alias: string | undefined): { width: number; height?: number } | null {
  const match = /^(\d{1,5})(?:x(\d{1,5}))?$/.exec(alias?.trim() ?? '');
  if (!match) return null;
  const width = Number(match[1]);
  return match[2] ? { width, height: Number(match[2]) } : { width };
}

const NOTE_EXTENSION = /\.(?:md|markdown|txt)$/i;
const FILE_EXTENSION = /\.([a-z0-9]{1,8})$/i;

/** True when a target names a note rather than another file: no extension, or a note's. */
export function looksLikeNote(linkpath: string): boolean {
  return NOTE_EXTENSION.test(linkpath) || !FILE_EXTENSION.test(linkpath);
}

/**
 * True when a Markdown image or link target names a file of the vault; false for URLs (`https:`,
 * `data:`, `javascript:`…), protocol-relative and in-page (`#x`) targets, and empty ones.
 */
export function isVaultReference(href: string): boolean {
  const trimmed = href.trim();
  if (trimmed === '' || trimmed.startsWith('//') || trimmed.startsWith('#')) return false;
  // Any scheme, including ones browsers read through case changes or white space.
  return !/^[a-z][a-z0-9+.\-\s]*:/i.test(trimmed);
}

/** A reference's path, URL-decoded, without `?query` or `#fragment`. */
export function decodedPath(href: string): string {
  const path = href.trim().replace(/[?#].*$/, '');
  try {
    return decodeURIComponent(path);
  } catch {
    return path; // a lone `%` is part of the name
  }
}
