// YAML frontmatter: read it, and change single fields while keeping the rest of the file intact.
import { parseDocument, isMap, isSeq } from 'yaml';
import { HearthError } from '../errors';

// The closing fence must start a line: `title: Wait...` does not end the block.
const FRONTMATTER = /^\uFEFF?---[ \t]*\r?\n(?:([\s\S]*?)\r?\n)?(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/;

export interface SplitFrontmatter {
  /** The YAML source between the fences, or null when the file has none. */
  yaml: string | null;
  /** Everything after the closing fence (the whole file when there is no frontmatter). */
  body: string;
}

/** Frontmatter is a YAML map; a leading `---` rule followed by prose is not frontmatter. */
function isMapping(yaml: string): boolean {
  if (yaml.trim() === '') return true;
  const doc = parseDocument(yaml);
  return doc.errors.length > 0 || isMap(doc.contents);
}

export function splitFrontmatter(content: string): SplitFrontmatter {
  const match = FRONTMATTER.exec(content);
  const yaml = match?.[1] ?? '';
  if (!match || !isMapping(yaml)) return { yaml: null, body: content };
  return { yaml, body: content.slice(match[0].length) };
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
  const { yaml, body: rest } = splitFrontmatter(content);
  const doc = parseDocument(yaml ?? '');
  if (doc.errors.length > 0) {
    throw new HearthError(
      'The frontmatter at the top of this note is not valid YAML. Fix it in the text, then try again.',
    );
  }
  if (doc.contents === null) doc.contents = doc.createNode({}) as unknown as typeof doc.contents;
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) doc.delete(key);
    else {
      const node = doc.createNode(value);
      if (isSeq(node)) node.flow = true;
      doc.set(key, node);
    }
  }
  const rendered = doc.toString({ lineWidth: 0, flowCollectionPadding: false }).replace(/\n$/, '');
  const body = yaml === null ? `\n${rest}` : rest;
  return `---\n${rendered}\n---\n${body}`;
}
