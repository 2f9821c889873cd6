// YAML frontmatter: read it, and change single fields while keeping the rest of the file intact.
import { parseDocument, isSeq } from 'yaml';

const FRONTMATTER = /^(?:\uFEFF)?---[ \t]*\r?\n([\s\S]*?)\r?\n?(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/;

export interface SplitFrontmatter {
  /** The YAML source between the fences, or null when the file has none. */
  yaml: string | null;
  /** Everything after the closing fence (the whole file when there is no frontmatter). */
  body: string;
}

export function splitFrontmatter(content: string): SplitFrontmatter {
  const match = FRONTMATTER.exec(content);
  if (!match) return { yaml: null, body: content };
  return { yaml: match[1] ?? '', body: content.slice(match[0].length) };
}

/** Parsed frontmatter as a plain object; malformed YAML reads as empty rather than failing the note. */
export function readFrontmatter(content: string): Record<string, unknown> {
  const { yaml } = splitFrontmatter(content);
  if (yaml === null || yaml.trim() === '') return {};
  try {
    const doc = parseDocument(yaml);
    if (doc.errors.length > 0) return {};
    const value: unknown = doc.toJS();
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

/**
 * Sets (or, with `undefined`, removes) frontmatter fields. Comments, key order and other fields
 * survive; a file without frontmatter gets a new block at the top.
 */
export function setFrontmatterFields(content: string, fields: Record<string, unknown>): string {
  const match = FRONTMATTER.exec(content);
  const yaml = match ? (match[1] ?? '') : '';
  const doc = parseDocument(yaml);
  if (doc.errors.length > 0) throw new Error('The frontmatter of this note is not valid YAML.');
  if (doc.contents === null) doc.contents = doc.createNode({}) as unknown as typeof doc.contents;
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) doc.delete(key);
    else {
      const node = doc.createNode(value);
      if (isSeq(node)) node.flow = true;
      doc.set(key, node);
    }
  }
  const rendered = doc.toString({ lineWidth: 0 }).replace(/\n$/, '');
  const body = match ? content.slice(match[0].length) : `\n${content}`;
  return `---\n${rendered}\n---\n${body}`;
}
