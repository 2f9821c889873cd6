// How a link written in a note (`![](img.png)`, `![[My photo.png]]`) finds an attachment, the way
// Obsidian resolves it: relative to the note's folder, then from the vault root, then by a file
// name (or trailing path) anywhere, shortest path first; URL-decoded; exact case before a
// case-insensitive fallback. Pure, and one floor below both the vault and the database, which
// share it: the database indexes attachments under `attachmentNameKey` and applies `pickAttachment`.

/** NFC so a name typed on one system matches a file named on another (macOS writes NFD). */
const exact = (s: string): string => s.normalize('NFC');
const folded = (s: string): string => s.normalize('NFC').toLowerCase();

function fileName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** The key an attachment is indexed under: its file name, NFC, lowercased. */
export function attachmentNameKey(path: string): string {
  return folded(fileName(path));
}

function decoded(target: string): string {
  try {
    return decodeURIComponent(target);
  } catch {
    return target; // a lone `%` is part of the name
  }
}

/**
 * The ways a target may be meant, most literal first: URL-decoded, as written, and without a
 * `#fragment` or `|alias` (a PDF page, an image size), which no attachment name contains.
 */
function targetVariants(target: string): string[] {
  const raw = target
    .trim()
    .replace(/^<(.*)>$/, '$1')
    .replace(/\\/g, '/');
  const variants: string[] = [];
  const add = (v: string) => {
    const clean = v.trim();
    if (clean && !variants.includes(clean)) variants.push(clean);
  };
  for (const v of [decoded(raw), raw]) add(v);
  for (const v of [...variants]) add(v.split(/[#|]/, 1)[0]!);
  return variants;
}

/** The file name keys to query for a target (one per variant). */
export function targetNameKeys(target: string): string[] {
  return [...new Set(targetVariants(target).map(attachmentNameKey))];
}

/** Resolves `.` and `..` segments; null when the path climbs above the vault root. */
function normalize(path: string): string | null {
  const out: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (out.length === 0) return null;
      out.pop();
    } else out.push(segment);
  }
  return out.length > 0 ? out.join('/') : null;
}

function dirOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

function byShortestPath(a: { path: string }, b: { path: string }): number {
  return a.path.length - b.path.length || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
}

/**
 * The attachment a link target in the note at `fromNotePath` refers to, among `candidates`
 * (typically those whose name key matches `targetNameKeys(target)`); undefined when none does.
 */
export function pickAttachment<T extends { path: string }>(
  target: string,
  fromNotePath: string,
  candidates: readonly T[],
): T | undefined {
  if (candidates.length === 0) return undefined;
  const variants = targetVariants(target);
  const noteDir = dirOf(fromNotePath);
  for (const form of [exact, folded]) {
    const byPath = new Map<string, T>();
    for (const c of [...candidates].sort(byShortestPath)) {
      const key = form(c.path);
      if (!byPath.has(key)) byPath.set(key, c);
    }
    for (const variant of variants) {
      const fromRoot = variant.startsWith('/');
      const tries = [fromRoot ? null : normalize(`${noteDir}/${variant}`), normalize(variant)];
      for (const path of tries) {
        const hit = path === null ? undefined : byPath.get(form(path));
        if (hit) return hit;
      }
    }
    for (const variant of variants) {
      // `../../img.png` climbing past the root still names a file by its trailing path.
      const tail = normalize(variant.replace(/^(\.\.?\/)+/, ''));
      if (tail === null) continue;
      const wanted = form(tail);
      const hit = [...byPath.entries()].find(
        ([path]) => path === wanted || path.endsWith(`/${wanted}`),
      );
      if (hit) return hit[1];
    }
  }
  return undefined;
}
